// `ollama-stack models load NAME [--keep-alive D]`: puts a model in Ollama's memory (a generate
// request with no prompt), waits until /api/ps lists it and says where it landed (GPU, CPU).
// `ollama-stack models switch NAME`: the same after freeing the memory the other loaded models
// hold; a name Ollama does not have is refused before anything is unloaded. Both act on the core's
// Ollama unless --backend or --all names more: loading on every GPU box unasked would surprise.
#include "ollama_stack/cli/model_targets.hpp"
#include "ollama_stack/cli/models.hpp"

namespace ollama_stack::cli {
namespace {

struct LoadOptions {
  std::string name;
  std::string keep_alive;
  bool json = false;
  std::string ollama_url;
  TargetChoice targets;
};

void run_load(Context& context, const LoadOptions& options, bool switching) {
  context.json = options.json;
  const auto chosen = model_targets(context, options.ollama_url, options.targets, false);
  act_on_targets(context, chosen, options.json, [&](const PullTarget& target) {
    const auto endpoint = chosen.endpoint(target);
    stack::OllamaApi api(target.url);
    ProgressSink progress(context, !options.json && !context.global.quiet);
    auto memory = memory_options(progress);
    if (!options.keep_alive.empty())
      memory.keep_alive = stack::parse_keep_alive(options.keep_alive);
    if (switching) {
      auto outcome = stack::switch_model(api, options.name, memory);
      progress.finish();
      return print_loaded(context, endpoint, outcome.loaded, &outcome.unloaded, options.json);
    }
    auto model = stack::load_model(api, options.name, memory);
    progress.finish();
    return print_loaded(context, endpoint, model, nullptr, options.json);
  });
}

void register_load_verb(CLI::App& models, Context& context, bool switching) {
  auto options = std::make_shared<LoadOptions>();
  auto* command =
      switching ? models.add_subcommand("switch", "Unload every other model, then load this one")
                : models.add_subcommand(
                      "load", "Load a model into memory now and show where it landed (GPU, CPU)");
  command
      ->add_option(
          "name", options->name,
          switching ? "Model to switch to, e.g. qwen2.5:7b" : "Model to load, e.g. llama3.2")
      ->required();
  command->add_option(
      "--keep-alive", options->keep_alive,
      "How long it stays loaded when unused: seconds (300), a duration (5m, 1h30m) or -1 for "
      "always (default: Ollama's OLLAMA_KEEP_ALIVE, else 5m)");
  command->add_flag("--json", options->json,
                    switching ? "Print one JSON document (schema: docs/json.md#models-switch)"
                              : "Print one JSON document (schema: docs/json.md#models-load)");
  add_ollama_url_option(*command, options->ollama_url);
  add_target_options(*command, options->targets, "the core's Ollama only");
  command->callback([&context, options, switching] { run_load(context, *options, switching); });
}

}  // namespace

void register_models_load(CLI::App& models, Context& context) {
  register_load_verb(models, context, false);
}

void register_models_switch(CLI::App& models, Context& context) {
  register_load_verb(models, context, true);
}

}  // namespace ollama_stack::cli
