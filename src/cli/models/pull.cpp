// `ollama-stack models pull NAME...`: streams each pull (POST /api/pull) with a progress bar per
// layer on a terminal, a line per change elsewhere, or JSON Lines events and a summary.
#include <fmt/format.h>

#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/model_targets.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {
namespace {

struct PullOptions {
  std::vector<std::string> names;
  bool json = false;
  std::string ollama_url;
  TargetChoice targets;
};

void run_pull(Context& context, const PullOptions& options) {
  context.json = options.json;
  // Default: everywhere, since Open WebUI balances a model only over the servers that have it.
  const auto targets = model_targets(context, options.ollama_url, options.targets, true).targets;
  std::vector<stack::PullOutcome> outcomes;
  nlohmann::json per_target = nlohmann::json::array();
  Style heading(context.caps_err());
  for (const auto& target : targets) {
    std::vector<stack::PullOutcome> here;
    if (targets.size() > 1 && !options.json && !context.global.quiet)
      context.err() << heading.bold(fmt::format("{} ({}):", target.name, target.url)) << "\n";
    if (target.unreachable.empty()) {
      stack::OllamaApi api(target.url);
      here = pull_models(context, api, options.names, options.json);
    } else {
      for (const auto& name : options.names)
        here.push_back({.name = name,
                        .error = fmt::format("backend {}: {}", target.name, target.unreachable)});
    }
    nlohmann::json models = nlohmann::json::array();
    bool ok = true;
    for (auto& outcome : here) {
      models.push_back(pull_outcome_json(outcome));
      ok = ok && outcome.ok;
      if (target.name != "core" && !outcome.ok && target.unreachable.empty())
        outcome.error = fmt::format("backend {}: {}", target.name, outcome.error);
      outcomes.push_back(outcome);
    }
    per_target.push_back(
        {{"backend", target.name}, {"endpoint", target.url}, {"ok", ok}, {"models", models}});
    if (!here.empty() && here.back().interrupted) break;
  }
  if (options.json) {
    bool ok = true;
    for (const auto& target : per_target) ok = ok && target["ok"].get<bool>();
    JsonLinesWriter(context.out())
        .write(with_schema_version(
            {{"event", "summary"},
             {"endpoint", per_target.empty() ? nlohmann::json(nullptr) : per_target[0]["endpoint"]},
             {"ok", ok},
             {"models", per_target.empty() ? nlohmann::json::array() : per_target[0]["models"]},
             {"targets", per_target}}));
    // The summary already carries the error: what follows goes to stderr only, so stdout stays
    // JSON Lines.
    context.json = false;
  } else {
    Style style(context.caps_out());
    for (const auto& outcome : outcomes)
      if (outcome.ok)
        context.out() << style.green("Pulled ") << outcome.name
                      << fmt::format(" ({} layers, {}) in {}.\n", outcome.layers.size(),
                                     format_bytes(static_cast<uint64_t>(outcome.bytes)),
                                     format_duration(outcome.duration));
  }
  raise_pull_failures(outcomes);
}

}  // namespace

void register_models_pull(CLI::App& models, Context& context) {
  auto options = std::make_shared<PullOptions>();
  auto* command = models.add_subcommand(
      "pull", "Download models into Ollama, with progress (Ctrl-C stops; a later pull resumes)");
  command->add_option("names", options->names, "Models to pull, e.g. llama3.2 or qwen2.5:7b")
      ->required();
  command->add_flag(
      "--json", options->json,
      "JSON Lines: one object per pull event, then a summary (schema: docs/json.md#models-pull)");
  add_ollama_url_option(*command, options->ollama_url);
  add_target_options(*command, options->targets, "every one");
  command->callback([&context, options] { run_pull(context, *options); });
}

}  // namespace ollama_stack::cli
