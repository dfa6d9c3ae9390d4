// `ollama-stack models pull NAME...`: streams each pull (POST /api/pull) with a progress bar per
// layer on a terminal, a line per change elsewhere, or JSON Lines events and a summary.
#include <fmt/format.h>

#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {
namespace {

struct PullOptions {
  std::vector<std::string> names;
  bool json = false;
  std::string ollama_url;
};

void run_pull(Context& context, const PullOptions& options) {
  context.json = options.json;
  auto endpoint = find_ollama(context, options.ollama_url);
  stack::OllamaApi api(endpoint.url);
  auto outcomes = pull_models(context, api, options.names, options.json);
  if (options.json) {
    nlohmann::json models = nlohmann::json::array();
    bool ok = true;
    for (const auto& outcome : outcomes) {
      models.push_back(pull_outcome_json(outcome));
      ok = ok && outcome.ok;
    }
    JsonLinesWriter(context.out())
        .write(with_schema_version({{"event", "summary"}, {"endpoint", endpoint.url}, {"ok", ok}, {"models", models}}));
    // The summary already carries the error: what follows goes to stderr only, so stdout stays
    // JSON Lines.
    context.json = false;
  } else {
    Style style(context.caps_out());
    for (const auto& outcome : outcomes)
      if (outcome.ok)
        context.out() << style.green("Pulled ") << outcome.name
                      << fmt::format(" ({} layers, {}) in {}.\n", outcome.layers.size(),
                                     format_bytes(static_cast<uint64_t>(outcome.bytes)), format_duration(outcome.duration));
  }
  raise_pull_failures(outcomes);
}

}  // namespace

void register_models_pull(CLI::App& models, Context& context) {
  auto options = std::make_shared<PullOptions>();
  auto* command = models.add_subcommand("pull", "Download models into Ollama, with progress (Ctrl-C stops; a later pull resumes)");
  command->add_option("names", options->names, "Models to pull, e.g. llama3.2 or qwen2.5:7b")->required();
  command->add_flag("--json", options->json,
                    "JSON Lines: one object per pull event, then a summary (schema: docs/json.md#models-pull)");
  add_ollama_url_option(*command, options->ollama_url);
  command->callback([&context, options] { run_pull(context, *options); });
}

}  // namespace ollama_stack::cli
