// Target selection shared by `models pull|list|ps|load|unload|switch` on a fleet of backends.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/model_targets.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/stack/backends/backends.hpp"

namespace ollama_stack::cli {

bool target_selected(const std::string& name, const TargetChoice& choice,
                     bool everywhere_by_default) {
  if (choice.all) return true;
  if (choice.backends.empty()) return everywhere_by_default || name == "core";
  return std::find(choice.backends.begin(), choice.backends.end(), name) != choice.backends.end();
}

ModelTargets model_targets(Context& context, const std::string& ollama_url,
                           const TargetChoice& choice, bool everywhere_by_default) {
  ModelTargets result;
  if (!ollama_url.empty()) {
    result.core = find_ollama(context, ollama_url);
    result.targets.push_back({"core", result.core.url, ""});
    return result;
  }
  auto session = context.session();
  result.fleet = !stack::recorded_backends(session.home()).empty();
  // Validates every --backend name before anything is done; nothing to connect to when only the
  // core is chosen.
  std::vector<PullTarget> backends;
  if (choice.all || everywhere_by_default || !choice.backends.empty())
    backends = backend_pull_targets(session, choice.backends, choice.all);
  if (target_selected("core", choice, everywhere_by_default)) {
    result.core = find_ollama(context, "");
    result.targets.push_back({"core", result.core.url, ""});
  }
  for (auto& backend : backends)
    if (target_selected(backend.name, choice, everywhere_by_default))
      result.targets.push_back(std::move(backend));
  return result;
}

stack::OllamaEndpoint ModelTargets::endpoint(const PullTarget& target) const {
  if (target.name == "core") return core;
  stack::OllamaEndpoint endpoint;
  endpoint.url = target.url;
  endpoint.source = "backend " + target.name;
  return endpoint;
}

std::vector<TargetFailure> for_each_target(Context& context, const std::vector<PullTarget>& targets,
                                           bool headings,
                                           const std::function<void(const PullTarget&)>& act) {
  std::vector<TargetFailure> failures;
  Style heading(context.caps_err());
  for (const auto& target : targets) {
    if (headings && targets.size() > 1 && !context.global.quiet)
      context.err() << heading.bold(fmt::format("{} ({}):", target.name, target.url)) << "\n";
    if (!target.unreachable.empty()) {
      failures.push_back({target.name, target.unreachable, ExitCode::engine_unreachable, nullptr});
      continue;
    }
    try {
      act(target);
    } catch (const Interrupted&) {
      throw;
    } catch (const Error& error) {
      failures.push_back({target.name, error.what(), error.code(), std::current_exception()});
    }
  }
  return failures;
}

void raise_target_failures(const std::vector<TargetFailure>& failures) {
  if (failures.empty()) return;
  std::string message;
  bool unreachable = false;
  for (const auto& failure : failures) {
    message += fmt::format("{}backend {}: {}", message.empty() ? "" : "; ", failure.backend,
                           failure.message);
    unreachable = unreachable || failure.code == ExitCode::engine_unreachable;
  }
  // One Ollama alone keeps its own message and code, as without backends.
  if (failures.size() == 1 && failures[0].backend == "core" && failures[0].error)
    std::rethrow_exception(failures[0].error);
  throw Error(unreachable ? ExitCode::unhealthy : failures[0].code, message,
              unreachable ? "`ollama-stack status` shows each backend's engine" : "");
}

void act_on_targets(Context& context, const ModelTargets& chosen, bool json,
                    const std::function<nlohmann::json(const PullTarget&)>& act) {
  if (chosen.targets.size() == 1 && chosen.targets[0].name == "core") {
    auto document = act(chosen.targets[0]);
    if (json) write_json(context.out(), with_schema_version(document));
    return;
  }
  std::map<std::string, nlohmann::json> done;
  auto failures = for_each_target(context, chosen.targets, !json, [&](const PullTarget& target) {
    done[target.name] = act(target);
  });
  nlohmann::json document;
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& target : chosen.targets) {
    auto entry = done.count(target.name) ? done[target.name] : nlohmann::json::object();
    if (document.is_null() && done.count(target.name)) document = entry;
    const auto failure = std::find_if(failures.begin(), failures.end(), [&](const auto& each) {
      return each.backend == target.name;
    });
    entry["backend"] = target.name;
    entry["endpoint"] = target.url;
    entry["ok"] = failure == failures.end();
    entry["error"] =
        failure == failures.end() ? nlohmann::json(nullptr) : nlohmann::json(failure->message);
    targets.push_back(std::move(entry));
  }
  if (json) {
    if (document.is_null())
      document = {{"endpoint", chosen.targets.empty() ? nlohmann::json(nullptr)
                                                      : nlohmann::json(chosen.targets[0].url)}};
    document["targets"] = targets;
    write_json(context.out(), with_schema_version(document));
    context.json = false;  // the document already says what failed
  }
  raise_target_failures(failures);
}

void add_target_options(CLI::App& command, TargetChoice& choice, const std::string& default_text,
                        bool all_flag) {
  auto* backend = command.add_option(
      "--backend", choice.backends,
      "Only on this backend (repeatable; `core` is the core's Ollama; default: " + default_text +
          ")");
  if (!all_flag) return;
  auto* all = command.add_flag("--all", choice.all, "On the core's Ollama and every backend");
  backend->excludes(all);
}

std::vector<TargetListing> listings_of(const std::vector<PullTarget>& targets) {
  std::vector<TargetListing> listings;
  for (const auto& target : targets)
    listings.push_back({target.name, target.url, "", nlohmann::json::array()});
  return listings;
}

TargetListing& listing_of(std::vector<TargetListing>& listings, const std::string& backend) {
  return *std::find_if(listings.begin(), listings.end(),
                       [&](const auto& listing) { return listing.backend == backend; });
}

nlohmann::json merge_listings(const std::vector<TargetListing>& listings) {
  nlohmann::json models = nlohmann::json::array();
  nlohmann::json targets = nlohmann::json::array();
  for (const auto& listing : listings) {
    for (auto model : listing.models) {
      model["backend"] = listing.backend;
      models.push_back(std::move(model));
    }
    targets.push_back(
        {{"backend", listing.backend},
         {"endpoint", listing.endpoint},
         {"ok", listing.error.empty()},
         {"error", listing.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(listing.error)},
         {"models", listing.models.size()}});
  }
  return {{"models", models}, {"targets", targets}};
}

nlohmann::json listing_document(const ModelTargets& chosen, std::vector<TargetListing> listings,
                                const std::vector<TargetFailure>& failures) {
  for (const auto& failure : failures)
    listing_of(listings, failure.backend).error = failure.message;
  auto merged = merge_listings(listings);
  nlohmann::json document{
      {"endpoint",
       chosen.targets.empty() ? nlohmann::json(nullptr) : nlohmann::json(chosen.targets[0].url)},
      {"models", merged["models"]}};
  if (!chosen.fleet)
    for (auto& model : document["models"]) model.erase("backend");
  else
    document["targets"] = merged["targets"];
  return document;
}

void finish_listing(Context& context, const std::vector<TargetFailure>& failures) {
  Style style(context.caps_err());
  for (const auto& failure : failures)
    context.err() << style.yellow("warning: ") << "backend " << failure.backend
                  << " left out: " << failure.message << "\n";
  context.json = false;  // the document already says it; stdout stays one JSON document
  raise_target_failures(failures);
}

}  // namespace ollama_stack::cli
