// `ollama-stack models ps`: the models loaded in memory (GET /api/ps), with the GPU's share and
// when each unloads; on a GPU stack, a model with nothing in GPU memory is flagged. With backends
// recorded, every Ollama's loaded models under a BACKEND column.
#include <fmt/format.h>

#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/model_targets.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/cli/table.hpp"
#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {
namespace {

struct PsOptions {
  bool json = false;
  std::string ollama_url;
  TargetChoice targets;
};

std::vector<Column> columns(bool fleet) {
  std::vector<Column> list{
      {"NAME"}, {"MEMORY", Align::right}, {"VRAM", Align::right}, {"PROCESSOR"}, {"UNTIL"}};
  if (fleet) list.insert(list.begin(), Column{"BACKEND"});
  return list;
}

void run_ps(Context& context, const PsOptions& options) {
  context.json = options.json;
  auto chosen = model_targets(context, options.ollama_url, options.targets, true);
  auto listings = listings_of(chosen.targets);
  std::vector<std::string> warnings;
  Table table(columns(chosen.fleet));
  bool any = false;
  auto failures = for_each_target(context, chosen.targets, false, [&](const PullTarget& target) {
    const auto endpoint = chosen.endpoint(target);
    stack::OllamaApi api(target.url);
    auto& listing = listing_of(listings, target.name);
    for (const auto& model : api.ps()) {
      if (auto warning = stack::cpu_fallback_warning(model, endpoint.platform); !warning.empty())
        warnings.push_back(warning);
      listing.models.push_back(running_model_json(model, endpoint.platform));
      std::vector<std::string> row{model.name, format_bytes(static_cast<uint64_t>(model.size)),
                                   format_bytes(static_cast<uint64_t>(model.size_vram)),
                                   processor_text(model), unloads_when(model.expires_at)};
      if (chosen.fleet) row.insert(row.begin(), target.name);
      table.add_row(row);
      any = true;
    }
  });
  if (!chosen.fleet) raise_target_failures(failures);  // one Ollama: its error as before
  if (options.json) {
    auto document = listing_document(chosen, listings, failures);
    document["platform"] = stack::to_string(chosen.core.platform);
    document["warnings"] = warnings;
    write_json(context.out(), with_schema_version(document));
  } else if (!any) {
    context.out() << "No model is loaded. Ollama loads a model when it is first asked to answer.\n";
  } else {
    table.render(context.out(), context.caps_out());
  }
  Style style(context.caps_err());
  for (const auto& warning : warnings)
    context.err() << style.yellow("warning: ") << warning << "\n";
  finish_listing(context, failures);
}

}  // namespace

void register_models_ps(CLI::App& models, Context& context) {
  auto options = std::make_shared<PsOptions>();
  auto* command = models.add_subcommand(
      "ps", "List the loaded models: memory, GPU memory, processor, when they unload");
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#models-ps)");
  add_ollama_url_option(*command, options->ollama_url);
  add_target_options(*command, options->targets, "the core's Ollama and every backend");
  command->callback([&context, options] { run_ps(context, *options); });
}

}  // namespace ollama_stack::cli
