// `ollama-stack models unload NAME...|--all`: frees the memory models hold (keep_alive 0) and
// waits until /api/ps no longer lists them. Their files stay. With backends recorded it acts on
// every Ollama unless --backend narrows it (a model loaded anywhere holds memory somewhere).
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/model_targets.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {
namespace {

struct UnloadOptions {
  std::vector<std::string> names;
  bool all = false;
  bool json = false;
  std::string ollama_url;
  TargetChoice targets;  // --backend only: --all already means every loaded model
};

void print_unloaded(Context& context, const stack::UnloadOutcome& outcome) {
  Style style(context.caps_out());
  if (!outcome.unloaded.empty())
    context.out() << style.green("Unloaded ") << joined(outcome.unloaded) << "\n";
  if (!outcome.not_loaded.empty())
    context.out() << joined(outcome.not_loaded)
                  << (outcome.not_loaded.size() == 1 ? " was" : " were") << " not loaded.\n";
  if (outcome.unloaded.empty() && outcome.not_loaded.empty())
    context.out() << "No model was loaded.\n";
}

void run_unload(Context& context, const UnloadOptions& options) {
  context.json = options.json;
  if (options.all == !options.names.empty())
    throw Error(ExitCode::usage,
                "models unload: name the models to unload, or pass --all (not both)",
                "e.g. `ollama-stack models unload llama3.2` or `ollama-stack models unload --all`");
  const auto chosen = model_targets(context, options.ollama_url, options.targets, true);
  act_on_targets(context, chosen, options.json, [&](const PullTarget& target) {
    stack::OllamaApi api(target.url);
    ProgressSink progress(context, !options.json && !context.global.quiet);
    auto outcome = stack::unload_models(api, options.names, memory_options(progress));
    progress.finish();
    if (!options.json) print_unloaded(context, outcome);
    return nlohmann::json{{"endpoint", target.url},
                          {"unloaded", outcome.unloaded},
                          {"not_loaded", outcome.not_loaded}};
  });
}

}  // namespace

void register_models_unload(CLI::App& models, Context& context) {
  auto options = std::make_shared<UnloadOptions>();
  auto* command = models.add_subcommand("unload", "Free the memory models hold (their files stay)");
  command->add_option("names", options->names, "Models to unload");
  command->add_flag("--all", options->all, "Unload every loaded model");
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#models-unload)");
  add_ollama_url_option(*command, options->ollama_url);
  add_target_options(*command, options->targets, "the core's Ollama and every backend", false);
  command->callback([&context, options] { run_unload(context, *options); });
}

}  // namespace ollama_stack::cli
