// `ollama-stack models`: the group, and what its verbs share (the Ollama endpoint, pulling).
#include "ollama_stack/cli/models.hpp"

#include <fmt/format.h>

#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/progress_sink.hpp"
#include "ollama_stack/cli/verbs.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/error.hpp"

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

void add_ollama_url_option(CLI::App& command, std::string& url) {
  command.add_option("--ollama-url", url,
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
                                            const std::vector<std::string>& names, bool json_lines, bool show_progress) {
  std::vector<stack::PullOutcome> outcomes;
  ProgressSink progress(context, show_progress && !json_lines && !context.global.quiet);
  JsonLinesWriter lines(context.out());
  for (const auto& name : names) {
    stack::PullOptions options;
    options.cancelled = [] { return cancel_requested(); };
    if (json_lines) options.on_event = [&](const stack::PullEvent& event) { lines.write(event_json(name, event)); };
    else options.progress = progress.callback();
    outcomes.push_back(stack::pull_model(api, name, options));
    if (outcomes.back().interrupted) break;
  }
  progress.finish();
  return outcomes;
}

nlohmann::json pull_outcome_json(const stack::PullOutcome& outcome) {
  return {{"name", outcome.name},
          {"status", outcome.ok ? "success" : outcome.interrupted ? "interrupted" : "failed"},
          {"error", outcome.ok ? nlohmann::json(nullptr) : nlohmann::json(outcome.error)},
          {"layers", outcome.layers.size()},
          {"bytes", outcome.bytes},
          {"duration_seconds", static_cast<double>(outcome.duration.count()) / 1000.0}};
}

void raise_pull_failures(const std::vector<stack::PullOutcome>& outcomes, const std::string& prefix) {
  std::vector<const stack::PullOutcome*> failed;
  for (const auto& outcome : outcomes) {
    if (outcome.interrupted) throw Interrupted();
    if (!outcome.ok) failed.push_back(&outcome);
  }
  if (failed.empty()) return;
  if (failed.size() == 1) throw Error(ExitCode::failed, prefix + failed.front()->error, failed.front()->hint);
  std::string list;
  for (const auto* outcome : failed) list += (list.empty() ? "" : "; ") + outcome->error;
  throw Error(ExitCode::failed, fmt::format("{}{} of {} models could not be pulled: {}", prefix, failed.size(),
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
  auto* models = app.add_subcommand("models", "List, pull, remove and inspect the stack's Ollama models");
  models->require_subcommand(1);
  register_models_list(*models, context);
  register_models_ps(*models, context);
  register_models_pull(*models, context);
  register_models_rm(*models, context);
  register_models_show(*models, context);
}

}  // namespace ollama_stack::cli
