// `ollama-stack models list`: the models the stack's Ollama has (GET /api/tags).
#include <fmt/format.h>

#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/cli/table.hpp"
#include "ollama_stack/util/timestamp.hpp"

namespace ollama_stack::cli {
namespace {

struct ListOptions {
  bool json = false;
  std::string ollama_url;
};

std::string ago(const std::string& rfc3339) {
  auto when = util::parse_rfc3339(rfc3339);
  if (!when) return rfc3339.empty() ? "-" : rfc3339;
  auto age = std::chrono::system_clock::now() - *when;
  return format_duration(age) + " ago";
}

std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

void run_list(Context& context, const ListOptions& options) {
  context.json = options.json;
  auto endpoint = find_ollama(context, options.ollama_url);
  stack::OllamaApi api(endpoint.url);
  const auto models = api.tags();
  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& model : models)
      list.push_back({{"name", model.name},
                      {"model", model.model},
                      {"size_bytes", model.size},
                      {"size", format_bytes(static_cast<uint64_t>(model.size))},
                      {"modified_at", model.modified_at},
                      {"digest", model.digest},
                      {"format", model.details.format},
                      {"family", model.details.family},
                      {"families", model.details.families},
                      {"parameter_size", model.details.parameter_size},
                      {"quantization_level", model.details.quantization_level}});
    write_json(context.out(), with_schema_version({{"endpoint", endpoint.url}, {"models", list}}));
    return;
  }
  if (models.empty()) {
    context.out() << "No models yet. Pull one with `ollama-stack models pull llama3.2`.\n";
    return;
  }
  Table table({{"NAME"}, {"SIZE", Align::right}, {"MODIFIED"}, {"FAMILY"}, {"PARAMETERS", Align::right},
               {"QUANTIZATION"}});
  for (const auto& model : models)
    table.add_row({model.name, format_bytes(static_cast<uint64_t>(model.size)), ago(model.modified_at),
                   or_dash(model.details.family), or_dash(model.details.parameter_size),
                   or_dash(model.details.quantization_level)});
  table.render(context.out(), context.caps_out());
}

}  // namespace

void register_models_list(CLI::App& models, Context& context) {
  auto options = std::make_shared<ListOptions>();
  auto* command = models.add_subcommand("list", "List the models Ollama has: size, age, family, parameters, quantization");
  command->alias("ls");
  command->add_flag("--json", options->json, "Print one JSON document (schema: docs/json.md#models-list)");
  add_ollama_url_option(*command, options->ollama_url);
  command->callback([&context, options] { run_list(context, *options); });
}

}  // namespace ollama_stack::cli
