// `ollama-stack models list`: the models the stack's Ollama has (GET /api/tags); with backends
// recorded, each model once per Ollama that holds it, under a BACKEND column.
#include <fmt/format.h>

#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/model_targets.hpp"
#include "ollama_stack/cli/models.hpp"

namespace ollama_stack::cli {
namespace {

std::string ago(const std::string& rfc3339) {
  return from_now(rfc3339, [](auto left) { return format_duration(-left) + " ago"; });
}

std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

nlohmann::json model_json(const stack::LocalModel& model) {
  return {{"name", model.name},
          {"model", model.model},
          {"size_bytes", model.size},
          {"size", format_bytes(static_cast<uint64_t>(model.size))},
          {"modified_at", model.modified_at},
          {"digest", model.digest},
          {"format", model.details.format},
          {"family", model.details.family},
          {"families", model.details.families},
          {"parameter_size", model.details.parameter_size},
          {"quantization_level", model.details.quantization_level}};
}

std::vector<std::string> model_row(const stack::LocalModel& model) {
  return {model.name,
          format_bytes(static_cast<uint64_t>(model.size)),
          ago(model.modified_at),
          or_dash(model.details.family),
          or_dash(model.details.parameter_size),
          or_dash(model.details.quantization_level)};
}

Listing list_listing(Context&) {
  Listing listing;
  listing.columns = {{"NAME"},   {"SIZE", Align::right},       {"MODIFIED"},
                     {"FAMILY"}, {"PARAMETERS", Align::right}, {"QUANTIZATION"}};
  listing.models = [](const PullTarget& target, const ModelTargets&) {
    std::vector<ListedModel> listed;
    for (const auto& model : stack::OllamaApi(target.url).tags())
      listed.push_back({model_json(model), model_row(model)});
    return listed;
  };
  listing.empty = "No models yet. Pull one with `ollama-stack models pull llama3.2`.";
  return listing;
}

}  // namespace

void register_models_list(CLI::App& models, Context& context) {
  add_listing_verb(models, context, "list",
                   "List the models Ollama has: size, age, family, parameters, quantization",
                   list_listing)
      ->alias("ls");
}

}  // namespace ollama_stack::cli
