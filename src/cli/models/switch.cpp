// `ollama-stack models switch NAME`: frees the memory the other loaded models hold, then loads
// this one. A name Ollama does not have is refused before anything is unloaded.
#include "ollama_stack/cli/models.hpp"

namespace ollama_stack::cli {
namespace {

struct SwitchOptions {
  std::string name;
  std::string keep_alive;
  bool json = false;
  std::string ollama_url;
};

void run_switch(Context& context, const SwitchOptions& options) {
  context.json = options.json;
  const auto keep_alive =
      options.keep_alive.empty() ? nlohmann::json() : stack::parse_keep_alive(options.keep_alive);
  auto endpoint = find_ollama(context, options.ollama_url);
  stack::OllamaApi api(endpoint.url);
  ProgressSink progress(context, !options.json && !context.global.quiet);
  auto memory = memory_options(progress);
  memory.keep_alive = keep_alive;
  auto outcome = stack::switch_model(api, options.name, memory);
  progress.finish();
  print_loaded(context, endpoint, outcome.loaded, &outcome.unloaded, options.json);
}

}  // namespace

void register_models_switch(CLI::App& models, Context& context) {
  auto options = std::make_shared<SwitchOptions>();
  auto* command = models.add_subcommand("switch", "Unload every other model, then load this one");
  command->add_option("name", options->name, "Model to switch to, e.g. qwen2.5:7b")->required();
  add_keep_alive_option(*command, options->keep_alive);
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#models-switch)");
  add_ollama_url_option(*command, options->ollama_url);
  command->callback([&context, options] { run_switch(context, *options); });
}

}  // namespace ollama_stack::cli
