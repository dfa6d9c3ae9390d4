// `ollama-stack models`: the group, and what its verbs share (the Ollama endpoint, pulling).
#include "ollama_stack/cli/models.hpp"

#include <fmt/format.h>

#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/model_targets.hpp"
#include "ollama_stack/cli/progress_sink.hpp"
#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/error.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

nlohmann::json optional_number(const std::optional<int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json event_json(const std::string& model, const stack::PullEvent& event) {
  if (!event.error.empty()) return {{"event", "error"}, {"model", model}, {"error", event.error}};
  return {{"event", "progress"},
          {"model", model},
          {"status", event.status},
          {"digest", event.digest.empty() ? nlohmann::json(nullptr) : nlohmann::json(event.digest)},
          {"total", optional_number(event.total)},
          {"completed", optional_number(event.completed)}};
}

}  // namespace

std::string unloads_when(const std::string& rfc3339) {
  return from_now(rfc3339, [](std::chrono::system_clock::duration left) -> std::string {
    if (left > std::chrono::hours(24 * 365)) return "forever";
    if (left <= std::chrono::seconds(0)) return "now";
    return "in " + format_duration(left);
  });
}

std::string processor_text(const stack::RunningModel& model) {
  const auto processor = stack::processor_of(model);
  if (processor == "gpu") return "100% GPU";
  if (processor == "cpu") return "100% CPU";
  const double gpu =
      fraction_of(static_cast<uint64_t>(model.size_vram), static_cast<uint64_t>(model.size));
  return fmt::format("{}/{} CPU/GPU", format_percent(1.0 - gpu), format_percent(gpu));
}

nlohmann::json running_model_json(const stack::RunningModel& model, stack::Platform platform) {
  return {{"name", model.name},
          {"model", model.model},
          {"size_bytes", model.size},
          {"vram_bytes", model.size_vram},
          {"processor", stack::processor_of(model)},
          {"on_cpu_unexpectedly", !stack::cpu_fallback_warning(model, platform).empty()},
          {"expires_at", model.expires_at},
          {"context_length",
           model.context_length ? nlohmann::json(*model.context_length) : nlohmann::json(nullptr)},
          {"digest", model.digest},
          {"family", model.details.family},
          {"parameter_size", model.details.parameter_size},
          {"quantization_level", model.details.quantization_level}};
}

stack::MemoryOptions memory_options(ProgressSink& progress) {
  stack::MemoryOptions options;
  options.cancelled = [] { return cancel_requested(); };
  options.progress = progress.callback();
  return options;
}

nlohmann::json print_loaded(Context& context, const stack::OllamaEndpoint& endpoint,
                            const stack::RunningModel& model,
                            const std::vector<std::string>* unloaded, bool json) {
  const auto warning = stack::cpu_fallback_warning(model, endpoint.platform);
  nlohmann::json document{
      {"endpoint", endpoint.url},
      {"platform", stack::to_string(endpoint.platform)},
      {"model", running_model_json(model, endpoint.platform)},
      {"warnings", warning.empty() ? nlohmann::json::array() : nlohmann::json::array({warning})}};
  if (unloaded) document["unloaded"] = *unloaded;
  if (!json) {
    Style style(context.caps_out());
    if (unloaded && !unloaded->empty())
      context.out() << style.green("Unloaded ") << joined(*unloaded) << "\n";
    std::string memory = format_bytes(static_cast<uint64_t>(model.size));
    if (model.size_vram > 0)
      memory +=
          fmt::format(" ({} in GPU memory)", format_bytes(static_cast<uint64_t>(model.size_vram)));
    const auto when = unloads_when(model.expires_at);
    context.out() << style.green("Loaded ") << model.name
                  << fmt::format(": {}, {}, {}.\n", memory, processor_text(model),
                                 when == "forever" ? "stays loaded" : "unloads " + when);
  }
  if (!warning.empty())
    context.err() << Style(context.caps_err()).yellow("warning: ") << warning << "\n";
  return document;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

void add_ollama_url_option(CLI::App& command, std::string& url) {
  command.add_option(
      "--ollama-url", url,
      "Ollama to talk to, e.g. http://localhost:11434 (default: the running stack's Ollama)");
}

stack::OllamaEndpoint find_ollama(Context& context, const std::string& override_url) {
  if (!override_url.empty()) {  // no engine needed
    stack::OllamaEndpoint endpoint;
    endpoint.url = stack::normalize_ollama_url(override_url);
    endpoint.source = "--ollama-url";
    return endpoint;
  }
  auto session = context.session();
  return stack::resolve_ollama_endpoint(session, override_url);
}

std::vector<stack::PullOutcome> pull_models(Context& context, stack::OllamaApi& api,
                                            const std::vector<std::string>& names, bool json_lines,
                                            bool show_progress) {
  std::vector<stack::PullOutcome> outcomes;
  ProgressSink progress(context, show_progress && !json_lines && !context.global.quiet);
  JsonLinesWriter lines(context.out());
  for (const auto& name : names) {
    stack::PullOptions options;
    options.cancelled = [] { return cancel_requested(); };
    if (json_lines)
      options.on_event = [&](const stack::PullEvent& event) {
        lines.write(event_json(name, event));
      };
    else
      options.progress = progress.callback();
    outcomes.push_back(stack::pull_model(api, name, options));
    if (outcomes.back().interrupted) break;
  }
  progress.finish();
  return outcomes;
}

nlohmann::json pull_outcome_json(const stack::PullOutcome& outcome) {
  return {{"name", outcome.name},
          {"status", outcome.ok            ? "success"
                     : outcome.interrupted ? "interrupted"
                                           : "failed"},
          {"error", outcome.ok ? nlohmann::json(nullptr) : nlohmann::json(outcome.error)},
          {"layers", outcome.layers.size()},
          {"bytes", outcome.bytes},
          {"duration_seconds", static_cast<double>(outcome.duration.count()) / 1000.0}};
}

void raise_pull_failures(const std::vector<stack::PullOutcome>& outcomes,
                         const std::string& prefix) {
  std::vector<const stack::PullOutcome*> failed;
  for (const auto& outcome : outcomes) {
    if (outcome.interrupted) throw Interrupted();
    if (!outcome.ok) failed.push_back(&outcome);
  }
  if (failed.empty()) return;
  if (failed.size() == 1)
    throw Error(ExitCode::failed, prefix + failed.front()->error, failed.front()->hint);
  std::string list;
  for (const auto* outcome : failed) list += (list.empty() ? "" : "; ") + outcome->error;
  throw Error(ExitCode::failed,
              fmt::format("{}{} of {} models could not be pulled: {}", prefix, failed.size(),
                          outcomes.size(), list),
              failed.front()->hint);
}

std::vector<std::string> pull_after_start(Context& context, stack::Session& session,
                                          const std::vector<std::string>& names, bool json) {
  if (names.empty()) return {};
  auto endpoint = stack::resolve_ollama_endpoint(session, "");
  stack::OllamaApi api(endpoint.url);
  // With --json, start prints one document: no progress and no event lines.
  auto outcomes = pull_models(context, api, names, false, !json);
  raise_pull_failures(outcomes, "the stack is running, but ");
  std::vector<std::string> pulled;
  for (const auto& outcome : outcomes) pulled.push_back(outcome.name);
  return pulled;
}

void register_models(CLI::App& app, Context& context) {
  auto* models = app.add_subcommand(
      "models", "List, pull, remove and inspect the stack's Ollama models; load and unload them");
  models->require_subcommand(1);
  register_models_list(*models, context);
  register_models_load(*models, context);
  register_models_ps(*models, context);
  register_models_pull(*models, context);
  register_models_rm(*models, context);
  register_models_show(*models, context);
  register_models_switch(*models, context);
  register_models_unload(*models, context);
}

}  // namespace ollama_stack::cli
