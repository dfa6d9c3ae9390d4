// `ollama-stack config`: the effective, merged compose model — what `start` would run.
#include <cctype>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>

#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/compose/project_json.hpp"
#include "ollama_stack/stack/home/platform.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct ConfigOptions {
  bool json = false;
  bool services = false;
  bool images = false;
  bool show_secrets = false;
  std::string platform = "auto";
};

constexpr const char* kRedacted = "********";

// A variable whose value is a credential: WEBUI_SECRET_KEY, *_PASSWORD, *_TOKEN, API keys…
bool is_secret_name(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const char* word : {"SECRET", "PASSWORD", "PASSWD", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

// Every service's secret environment values, and any other string that contains one (a command
// line, a label), replaced by ********: the model is often pasted into issues and chats.
void redact_secrets(nlohmann::json& document, const compose::Project& project) {
  std::vector<std::string> secrets;
  for (const auto& [name, service] : project.services)
    for (const auto& [key, value] : service.environment)
      if (is_secret_name(key) && !value.empty()) secrets.push_back(value);
  std::function<void(nlohmann::json&)> walk = [&](nlohmann::json& node) {
    if (node.is_structured()) {
      for (auto& child : node) walk(child);
    } else if (node.is_string()) {
      auto text = node.get<std::string>();
      for (const auto& secret : secrets) {
        if (text == secret) text = kRedacted;
        if (secret.size() < 8) continue;  // a short value may be an ordinary word elsewhere
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + std::strlen(kRedacted)))
          text.replace(at, secret.size(), kRedacted);
      }
      node = text;
    }
  };
  walk(document);
}

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
  if (!options.show_secrets) redact_secrets(document, loaded.project);
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
  command->add_flag("--show-secrets", options->show_secrets,
                    "Print secret values (WEBUI_SECRET_KEY, passwords, tokens) instead of ********");
  command
      ->add_option("--platform", options->platform,
                   "cpu, nvidia, amd, apple or auto (default: detect from the engine)")
      ->check(CLI::IsMember(stack::platform_choices()));
  command->callback([&context, options] { run_config(context, *options); });
}

}  // namespace ollama_stack::cli
