// `ollama-stack models show NAME`: a model's details, parameters, template and licence in one
// line (POST /api/show).
#include <fmt/format.h>

#include <sstream>

#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {
namespace {

struct ShowOptions {
  std::string name;
  bool json = false;
  bool license = false;
  std::string ollama_url;
};

// "<family>.context_length" in model_info (the architecture's own key).
std::optional<int64_t> context_length(const stack::ModelShow& show) {
  for (const auto& [key, value] : show.model_info.items())
    if (key.ends_with(".context_length") && value.is_number_integer()) return value.get<int64_t>();
  return std::nullopt;
}

void indented(std::ostream& out, const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  bool any = false;
  while (std::getline(lines, line)) {
    out << "  " << line << "\n";
    any = true;
  }
  if (!any) out << "  (none)\n";
}

void run_show(Context& context, const ShowOptions& options) {
  context.json = options.json;
  auto endpoint = find_ollama(context, options.ollama_url);
  stack::OllamaApi api(endpoint.url);
  const auto show = api.show(options.name);
  const auto summary = stack::license_summary(show.license);
  const auto context_tokens = context_length(show);
  if (options.json) {
    write_json(context.out(),
               with_schema_version({{"endpoint", endpoint.url},
                                    {"name", options.name},
                                    {"format", show.details.format},
                                    {"family", show.details.family},
                                    {"families", show.details.families},
                                    {"parameter_size", show.details.parameter_size},
                                    {"quantization_level", show.details.quantization_level},
                                    {"context_length", context_tokens ? nlohmann::json(*context_tokens) : nlohmann::json(nullptr)},
                                    {"capabilities", show.capabilities},
                                    {"modified_at", show.modified_at},
                                    {"parameters", show.parameters},
                                    {"template", show.template_text},
                                    {"license_summary", summary},
                                    {"license", show.license},
                                    {"model_info", show.model_info}}));
    return;
  }
  Style style(context.caps_out());
  auto& out = context.out();
  auto row = [&](const char* key, const std::string& value) {
    out << fmt::format("  {:<14} {}\n", key, value.empty() ? "-" : value);
  };
  out << style.bold("Model") << "\n";
  row("name", options.name);
  row("family", show.details.family);
  row("parameters", show.details.parameter_size);
  row("quantization", show.details.quantization_level);
  row("format", show.details.format);
  row("context length", context_tokens ? std::to_string(*context_tokens) : "");
  std::string capabilities;
  for (const auto& capability : show.capabilities) capabilities += (capabilities.empty() ? "" : ", ") + capability;
  row("capabilities", capabilities);
  out << "\n" << style.bold("Parameters") << "\n";
  indented(out, show.parameters);
  out << "\n" << style.bold("Template") << "\n";
  indented(out, show.template_text);
  out << "\n" << style.bold("License") << "\n";
  if (options.license) indented(out, show.license);
  else out << "  " << (summary.empty() ? "(none)" : summary) << "\n";
}

}  // namespace

void register_models_show(CLI::App& models, Context& context) {
  auto options = std::make_shared<ShowOptions>();
  auto* command = models.add_subcommand("show", "Show a model's details, parameters, template and licence");
  command->add_option("name", options->name, "The model, e.g. llama3.2")->required();
  command->add_flag("--license", options->license, "Print the whole licence, not its first line");
  command->add_flag("--json", options->json, "Print one JSON document (schema: docs/json.md#models-show)");
  add_ollama_url_option(*command, options->ollama_url);
  command->callback([&context, options] { run_show(context, *options); });
}

}  // namespace ollama_stack::cli
