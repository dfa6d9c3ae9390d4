// `ollama-stack models load NAME [--keep-alive D]`: puts a model in Ollama's memory (a generate
// request with no prompt), waits until /api/ps lists it and says where it landed (GPU, CPU).
#include "ollama_stack/cli/models.hpp"

namespace ollama_stack::cli {
namespace {

struct LoadOptions {
  std::string name;
  std::string keep_alive;
  bool json = false;
  std::string ollama_url;
};

void run_load(Context& context, const LoadOptions& options) {
  context.json = options.json;
  const auto keep_alive =
      options.keep_alive.empty() ? nlohmann::json() : stack::parse_keep_alive(options.keep_alive);
  auto endpoint = find_ollama(context, options.ollama_url);
  stack::OllamaApi api(endpoint.url);
  ProgressSink progress(context, !options.json && !context.global.quiet);
  auto memory = memory_options(progress);
  memory.keep_alive = keep_alive;
  auto model = stack::load_model(api, options.name, memory);
  progress.finish();
  print_loaded(context, endpoint, model, nullptr, options.json);
}

}  // namespace

void add_keep_alive_option(CLI::App& command, std::string& keep_alive) {
  command.add_option(
      "--keep-alive", keep_alive,
      "How long it stays loaded when unused: seconds (300), a duration (5m, 1h30m) or -1 for "
      "always (default: Ollama's OLLAMA_KEEP_ALIVE, else 5m)");
}

void register_models_load(CLI::App& models, Context& context) {
  auto options = std::make_shared<LoadOptions>();
  auto* command = models.add_subcommand(
      "load", "Load a model into memory now and show where it landed (GPU, CPU)");
  command->add_option("name", options->name, "Model to load, e.g. llama3.2")->required();
  add_keep_alive_option(*command, options->keep_alive);
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#models-load)");
  add_ollama_url_option(*command, options->ollama_url);
  command->callback([&context, options] { run_load(context, *options); });
}

}  // namespace ollama_stack::cli
