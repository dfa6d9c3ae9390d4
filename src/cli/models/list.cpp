// `ollama-stack models list`: the models the stack's Ollama has (GET /api/tags); with backends
// recorded, each model once per Ollama that holds it, under a BACKEND column.
#include <fmt/format.h>

#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/model_targets.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/cli/table.hpp"
#include "ollama_stack/util/timestamp.hpp"

namespace ollama_stack::cli {
namespace {

struct ListOptions {
  bool json = false;
  std::string ollama_url;
  TargetChoice targets;
};

std::string ago(const std::string& rfc3339) {
  auto when = util::parse_rfc3339(rfc3339);
  if (!when) return rfc3339.empty() ? "-" : rfc3339;
  auto age = std::chrono::system_clock::now() - *when;
  return format_duration(age) + " ago";
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

std::vector<Column> columns(bool fleet) {
  std::vector<Column> list{{"NAME"},   {"SIZE", Align::right},       {"MODIFIED"},
                           {"FAMILY"}, {"PARAMETERS", Align::right}, {"QUANTIZATION"}};
  if (fleet) list.insert(list.begin(), Column{"BACKEND"});
  return list;
}

void run_list(Context& context, const ListOptions& options) {
  context.json = options.json;
  auto chosen = model_targets(context, options.ollama_url, options.targets, true);
  auto listings = listings_of(chosen.targets);
  Table table(columns(chosen.fleet));
  bool any = false;
  auto failures = for_each_target(context, chosen.targets, false, [&](const PullTarget& target) {
    stack::OllamaApi api(target.url);
    const auto models = api.tags();
    auto& listing = listing_of(listings, target.name);
    for (const auto& model : models) {
      listing.models.push_back(model_json(model));
      auto row = model_row(model);
      if (chosen.fleet) row.insert(row.begin(), target.name);
      table.add_row(row);
      any = true;
    }
  });
  if (!chosen.fleet) raise_target_failures(failures);  // one Ollama: its error as before
  if (options.json) {
    auto document = listing_document(chosen, listings, failures);
    write_json(context.out(), with_schema_version(document));
  } else if (!any) {
    context.out() << "No models yet. Pull one with `ollama-stack models pull llama3.2`.\n";
  } else {
    table.render(context.out(), context.caps_out());
  }
  finish_listing(context, failures);
}

}  // namespace

void register_models_list(CLI::App& models, Context& context) {
  auto options = std::make_shared<ListOptions>();
  auto* command = models.add_subcommand(
      "list", "List the models Ollama has: size, age, family, parameters, quantization");
  command->alias("ls");
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#models-list)");
  add_ollama_url_option(*command, options->ollama_url);
  add_target_options(*command, options->targets, "the core's Ollama and every backend");
  command->callback([&context, options] { run_list(context, *options); });
}

}  // namespace ollama_stack::cli
