// extensions_overview(): what exists, what is enabled, what runs, what the proxy serves.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/stack/extensions/extension_project.hpp"
#include "ollama_stack/stack/extensions/extensions.hpp"
#include "ollama_stack/stack/health.hpp"
#include "ollama_stack/stack/home/state_file.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/mcp/mcp_config.hpp"
#include "ollama_stack/stack/mcp/tool_servers.hpp"

namespace ollama_stack::stack {
namespace {


std::string label_of(const engine::ContainerSummary& container, const char* key) {
  auto it = container.labels.find(key);
  return it == container.labels.end() ? std::string() : it->second;
}

}  // namespace

bool core_running(engine::Client& client, const std::string& core_project) {
  for (const auto& container : client.list_containers(compose::project_filter(core_project), false))
    if (container.state == "running") return true;
  return false;
}

ExtensionsOverview extensions_overview(Session& session, const OverviewOptions& options) {
  ExtensionsOverview overview;
  overview.catalog = discover_extensions(session.home());
  overview.core_project = session.project_name();
  auto& client = session.engine();
  const auto state = load_state(session.home().state_file());
  overview.core_running = core_running(client, overview.core_project);
  const auto proxy = running_proxy(client, overview.core_project);
  overview.proxy_running = proxy.has_value();

  const auto containers = client.list_containers(
      labels::installation_filter(overview.core_project, kExtensionComponent), true);
  std::optional<nlohmann::json> config;
  try {
    config = read_mcp_config(session.home().mcp_config());
  } catch (const ConfigError&) {
    // A broken config serves nothing; `check` reports it.
  }
  overview.tools = tool_servers_report(session);
  const auto& tools = overview.tools;
  const auto wired = running_wired_servers(session);
  const std::string host = session.url_host() == "localhost" ? "127.0.0.1" : session.url_host();
  const Platform platform = session.platform().platform;

  auto fill = [&](ExtensionStatus& status) {
    status.project = extension_project_name(overview.core_project, status.name);
    status.enabled = std::find(state.enabled_extensions.begin(), state.enabled_extensions.end(),
                               status.name) != state.enabled_extensions.end();
    for (const auto& container : containers) {
      if (label_of(container, labels::kProject) != status.project) continue;
      status.containers.push_back(container.name);
      if (container.state == "running") status.running = true;
      if (options.health) {
        auto health = assess_health(client.inspect_container(container.id), host);
        // The worst container decides.
        if (status.health.empty() || health.health != Health::healthy) {
          status.health = to_string(health.health);
          if (!health.reason.empty())
            status.reason = fmt::format("{}: {}", container.name, health.reason);
        }
      }
    }
    if (options.health && status.containers.empty()) status.health = to_string(Health::stopped);
    for (const auto& server : wired) {
      if (server.name != status.name) continue;
      status.mcp_url = server.url;
      status.wired = config && config_serves(*config, server);
    }
    for (const auto& tool : tools.servers) {
      if (tool.name != status.name || !status.wired) continue;
      status.served = tool.served.value_or(false);
      status.webui_configured = tool.webui;
      if (status.served && tool.webui == false) status.fix = tools.fix;
    }
  };

  std::set<std::string> seen;
  for (const auto& extension : overview.catalog.extensions) {
    ExtensionStatus status;
    status.name = extension.manifest.name;
    status.extension = &extension;
    status.supported = supports_platform(extension.manifest, platform, &status.unsupported_reason);
    fill(status);
    seen.insert(status.name);
    overview.extensions.push_back(std::move(status));
  }
  // Extensions running (or enabled) but no longer installed or valid: still shown, so they can
  // be stopped and disabled.
  std::set<std::string> others;
  for (const auto& container : containers)
    if (auto name = label_of(container, kExtensionLabel); !name.empty() && !seen.count(name))
      others.insert(name);
  for (const auto& name : state.enabled_extensions)
    if (!seen.count(name)) others.insert(name);
  for (const auto& name : others) {
    ExtensionStatus status;
    status.name = name;
    status.supported = false;
    status.unsupported_reason =
        overview.catalog.find_invalid(name) ? "its manifest is invalid" : "not installed";
    fill(status);
    overview.extensions.push_back(std::move(status));
  }
  return overview;
}

}  // namespace ollama_stack::stack
