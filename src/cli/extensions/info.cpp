// `ollama-stack extensions info NAME`: the manifest, requirements, compose services and ports,
// status, and where the extension comes from.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/cli/extension_verbs.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/stack/extensions/extension_project.hpp"

namespace ollama_stack::cli {
namespace {

struct InfoOptions {
  std::string name;
  bool json = false;
};

nlohmann::json services_json(const compose::Project& project) {
  nlohmann::json services = nlohmann::json::array();
  for (const auto& [name, service] : project.services) {
    nlohmann::json ports = nlohmann::json::array();
    for (const auto& port : service.ports)
      ports.push_back({{"host_ip", port.host_ip},
                       {"published", port.published},
                       {"target", port.target},
                       {"protocol", port.protocol}});
    services.push_back({{"name", name}, {"image", service.image}, {"ports", ports}});
  }
  return services;
}

void run_info(Context& context, const InfoOptions& options) {
  context.json = options.json;
  auto session = context.session();
  auto overview = stack::extensions_overview(session, {.health = true});
  const auto& extension = stack::require_extension(overview.catalog, options.name);
  const stack::ExtensionStatus* status = nullptr;
  for (const auto& candidate : overview.extensions)
    if (candidate.name == options.name) status = &candidate;
  const auto& manifest = extension.manifest;
  auto loaded = stack::load_extension_project(extension, session.home(), session.options().env,
                                              session.platform(), overview.core_project);
  nlohmann::json platforms = nlohmann::json::array();
  for (auto platform : manifest.platforms) platforms.push_back(stack::to_string(platform));
  nlohmann::json document{
      {"name", manifest.name},
      {"display_name", manifest.display_name},
      {"description", manifest.description},
      {"version", manifest.version},
      {"origin", extension.origin_text()},
      {"overrides_builtin", extension.overrides_builtin},
      {"manifest", extension.manifest_path},
      {"mcp",
       {{"transport", stack::to_string(manifest.mcp.transport)},
        {"service", manifest.mcp.service},
        {"port", manifest.mcp.port},
        {"path", manifest.mcp.path}}},
      {"requirements",
       {{"gpu", manifest.requirements.gpu},
        {"min_memory_mb", manifest.requirements.min_memory_mb
                              ? nlohmann::json(*manifest.requirements.min_memory_mb)
                              : nlohmann::json(nullptr)},
        {"env", manifest.requirements.env}}},
      {"platforms", platforms},
      {"supported", status->supported},
      {"unsupported_reason", status->unsupported_reason},
      {"project", loaded.project.name},
      {"compose_files", loaded.files},
      {"services", services_json(loaded.project)},
      {"status", extension_status_json(*status)}};
  if (options.json) {
    write_json(context.out(), with_schema_version(document));
    return;
  }
  Style style(context.caps_out());
  auto& out = context.out();
  out << style.bold(manifest.display_name) << " (" << manifest.name << " " << manifest.version
      << ")\n";
  out << "  " << manifest.description << "\n\n";
  out << fmt::format("  {:<14}{}\n", "origin:", extension.origin_text());
  if (extension.overrides_builtin)
    out << fmt::format("  {:<14}{}\n", "",
                       "a user extension of this name replaces the built-in one");
  out << fmt::format("  {:<14}{}\n", "manifest:", extension.manifest_path);
  out << fmt::format("  {:<14}{} on service {}, port {}, path {}\n",
                     "MCP:", stack::to_string(manifest.mcp.transport), manifest.mcp.service,
                     manifest.mcp.port, manifest.mcp.path);
  std::string requirements = manifest.requirements.gpu ? "NVIDIA GPU" : "no GPU";
  if (manifest.requirements.min_memory_mb)
    requirements += fmt::format(", {} MB of memory", *manifest.requirements.min_memory_mb);
  for (const auto& variable : manifest.requirements.env) requirements += ", variable " + variable;
  out << fmt::format("  {:<14}{}\n", "requirements:", requirements);
  std::string names;
  for (auto platform : manifest.platforms)
    names += (names.empty() ? "" : ", ") + stack::to_string(platform);
  out << fmt::format(
      "  {:<14}{}{}\n", "platforms:", names,
      status->supported ? "" : fmt::format(" (not this one: {})", status->unsupported_reason));
  out << fmt::format("  {:<14}{}\n", "project:", loaded.project.name);
  for (const auto& [name, service] : loaded.project.services) {
    std::string ports;
    for (const auto& port : service.ports)
      ports +=
          fmt::format(" {}:{}", port.published ? std::to_string(port.published) : "-", port.target);
    out << fmt::format("  {:<14}{} ({}){}\n", "service:", name, service.image,
                       ports.empty() ? "" : ", ports" + ports);
  }
  out << fmt::format("  {:<14}{}, {}{}\n", "status:", status->enabled ? "enabled" : "disabled",
                     status->running ? "running" : "not running",
                     status->health.empty() || !status->running ? "" : ", " + status->health);
  out << fmt::format("  {:<14}{}\n", "MCP proxy:",
                     status->served  ? "serves it at " + status->mcp_url
                     : status->wired ? "configured, but the proxy has not reloaded yet"
                                     : "does not serve it");
}

}  // namespace

void register_extensions_info(CLI::App& group, Context& context) {
  auto options = std::make_shared<InfoOptions>();
  auto* command = group.add_subcommand(
      "info",
      "Show an extension's manifest, requirements, compose services and ports, status and origin");
  command->add_option("name", options->name, "The extension")->required();
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#extensions-info)");
  command->callback([&context, options] { run_info(context, *options); });
}

}  // namespace ollama_stack::cli
