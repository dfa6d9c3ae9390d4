// `ollama-stack models ps`: the models loaded in memory (GET /api/ps), with the GPU's share and
// when each unloads; on a GPU stack, a model with nothing in GPU memory is flagged.
#include <fmt/format.h>

#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/cli/table.hpp"
#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {
namespace {

struct PsOptions {
  bool json = false;
  std::string ollama_url;
};

void run_ps(Context& context, const PsOptions& options) {
  context.json = options.json;
  auto endpoint = find_ollama(context, options.ollama_url);
  stack::OllamaApi api(endpoint.url);
  const auto models = api.ps();
  std::vector<std::string> warnings;
  for (const auto& model : models)
    if (auto warning = stack::cpu_fallback_warning(model, endpoint.platform); !warning.empty())
      warnings.push_back(warning);
  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& model : models) list.push_back(running_model_json(model, endpoint.platform));
    write_json(context.out(),
               with_schema_version({{"endpoint", endpoint.url},
                                    {"platform", stack::to_string(endpoint.platform)},
                                    {"models", list},
                                    {"warnings", warnings}}));
  } else if (models.empty()) {
    context.out() << "No model is loaded. Ollama loads a model when it is first asked to answer.\n";
  } else {
    Table table(
        {{"NAME"}, {"MEMORY", Align::right}, {"VRAM", Align::right}, {"PROCESSOR"}, {"UNTIL"}});
    for (const auto& model : models)
      table.add_row({model.name, format_bytes(static_cast<uint64_t>(model.size)),
                     format_bytes(static_cast<uint64_t>(model.size_vram)), processor_text(model),
                     unloads_when(model.expires_at)});
    table.render(context.out(), context.caps_out());
  }
  Style style(context.caps_err());
  for (const auto& warning : warnings)
    context.err() << style.yellow("warning: ") << warning << "\n";
}

}  // namespace

void register_models_ps(CLI::App& models, Context& context) {
  auto options = std::make_shared<PsOptions>();
  auto* command = models.add_subcommand(
      "ps", "List the loaded models: memory, GPU memory, processor, when they unload");
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#models-ps)");
  add_ollama_url_option(*command, options->ollama_url);
  command->callback([&context, options] { run_ps(context, *options); });
}

}  // namespace ollama_stack::cli
