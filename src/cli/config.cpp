// `ollama-stack config`: the effective, merged compose model — what `start` would run.
#include <nlohmann/json.hpp>

#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/verbs.hpp"
#include "ollama_stack/compose/project_json.hpp"
#include "ollama_stack/stack/platform.hpp"

namespace ollama_stack::cli {
namespace {

struct ConfigOptions {
  bool json = false;
  bool services = false;
  bool images = false;
  std::string platform = "auto";
};

void run_config(Context& context, const ConfigOptions& options) {
  context.json = options.json;
  auto session = context.session(options.platform);
  const auto& loaded = session.project();
  for (const auto& warning : loaded.warnings) context.err() << "warning: " << warning << "\n";
  if (options.services || options.images) {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& [name, service] : loaded.project.services) names.push_back(options.images ? service.image : name);
    if (options.json) {
      write_json(context.out(), with_schema_version({{options.images ? "images" : "services", names}}));
    } else {
      for (const auto& name : names) context.out() << name.get<std::string>() << "\n";
    }
    return;
  }
  auto document = compose::to_json(loaded.project);
  if (options.json) {
    write_json(context.out(), with_schema_version({{"platform", stack::to_string(loaded.platform)},
                                                   {"files", loaded.files},
                                                   {"project", document}}));
  } else {
    context.out() << compose::to_yaml(document);
  }
}

}  // namespace

void register_config(CLI::App& app, Context& context) {
  auto options = std::make_shared<ConfigOptions>();
  auto* command = app.add_subcommand("config", "Print the effective compose model (files merged, variables resolved)");
  command->add_flag("--json", options->json, "Print one JSON document (schema: docs/json.md#config)");
  command->add_flag("--services", options->services, "Print only the service names");
  command->add_flag("--images", options->images, "Print only the images");
  command
      ->add_option("--platform", options->platform,
                   "cpu, nvidia, amd, apple or auto (default: detect from the engine)")
      ->check(CLI::IsMember(stack::platform_choices()));
  command->callback([&context, options] { run_config(context, *options); });
}

}  // namespace ollama_stack::cli
