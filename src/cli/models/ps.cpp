// `ollama-stack models ps`: the models loaded in memory (GET /api/ps), with the GPU's share and
// when each unloads; on a GPU stack, a model with nothing in GPU memory is flagged. With backends
// recorded, every Ollama's loaded models under a BACKEND column.
#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/model_targets.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {
namespace {

Listing ps_listing(Context& context) {
  auto warnings = std::make_shared<std::vector<std::string>>();
  Listing listing;
  listing.columns = {
      {"NAME"}, {"MEMORY", Align::right}, {"VRAM", Align::right}, {"PROCESSOR"}, {"UNTIL"}};
  listing.models = [warnings](const PullTarget& target, const ModelTargets& chosen) {
    const auto endpoint = chosen.endpoint(target);
    std::vector<ListedModel> listed;
    for (const auto& model : stack::OllamaApi(target.url).ps()) {
      if (auto warning = stack::cpu_fallback_warning(model, endpoint.platform); !warning.empty())
        warnings->push_back(warning);
      listed.push_back({running_model_json(model, endpoint.platform),
                        {model.name, format_bytes(static_cast<uint64_t>(model.size)),
                         format_bytes(static_cast<uint64_t>(model.size_vram)),
                         processor_text(model), unloads_when(model.expires_at)}});
    }
    return listed;
  };
  listing.empty = "No model is loaded. Ollama loads a model when it is first asked to answer.";
  listing.decorate = [warnings](const ModelTargets& chosen, nlohmann::json& document) {
    document["platform"] = stack::to_string(chosen.core.platform);
    document["warnings"] = *warnings;
  };
  listing.after = [&context, warnings] {
    Style style(context.caps_err());
    for (const auto& warning : *warnings)
      context.err() << style.yellow("warning: ") << warning << "\n";
  };
  return listing;
}

}  // namespace

void register_models_ps(CLI::App& models, Context& context) {
  add_listing_verb(models, context, "ps",
                   "List the loaded models: memory, GPU memory, processor, when they unload",
                   ps_listing);
}

}  // namespace ollama_stack::cli
