#include "ollama_stack/stack/extensions/extension_mcp.hpp"

#include <fmt/format.h>

#include <set>

#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/stack/extensions/extension_catalog.hpp"
#include "ollama_stack/stack/extensions/extension_project.hpp"
#include "ollama_stack/stack/extensions/extensions.hpp"
#include "ollama_stack/stack/home/stack_project.hpp"
#include "ollama_stack/stack/home/state_file.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/stack/mcp/mcp_config.hpp"
#include "ollama_stack/stack/mcp/mcp_volume.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/poll.hpp"

namespace ollama_stack::stack {

std::string mcp_url(const std::string& host, const McpEndpoint& endpoint) {
  return fmt::format("http://{}:{}{}", host, endpoint.port, endpoint.path);
}

nlohmann::json mcp_servers_with(const nlohmann::json& core_servers,
                                const std::vector<WiredServer>& servers,
                                std::vector<std::string>* warnings) {
  nlohmann::json result = core_servers;
  for (const auto& server : servers) {
    if (result.contains(server.name)) {
      if (warnings)
        warnings->push_back(
            fmt::format("extension {} is not wired into the MCP proxy: the core already has a tool "
                        "server of that name",
                        server.name));
      continue;
    }
    result[server.name] = {{"type", to_string(server.transport)}, {"url", server.url}};
  }
  return result;
}

bool config_serves(const nlohmann::json& document, const WiredServer& server) {
  if (!document.is_object() || !document.contains("mcpServers")) return false;
  const auto& servers = document["mcpServers"];
  if (!servers.is_object() || !servers.contains(server.name)) return false;
  return servers[server.name] ==
         nlohmann::json{{"type", to_string(server.transport)}, {"url", server.url}};
}

std::optional<engine::ContainerSummary> running_proxy(engine::Client& client,
                                                      const std::string& core_project) {
  for (const auto& container :
       client.list_containers(compose::project_filter(core_project, kMcpProxyService), false))
    if (container.state == "running") return container;
  return std::nullopt;
}

std::vector<WiredServer> running_wired_servers(Session& session) {
  const std::string core = session.project_name();
  const auto state = load_state(session.home().state_file());
  const auto catalog = discover_extensions(session.home());
  const auto containers = session.engine().list_containers(
      labels::installation_filter(core, kExtensionComponent), false);
  std::vector<WiredServer> servers;
  for (const auto& name : state.enabled_extensions) {
    const auto* extension = catalog.find(name);
    if (!extension) continue;
    const std::string project = extension_project_name(core, name);
    for (const auto& container : containers) {
      auto label = [&](const char* key) {
        auto it = container.labels.find(key);
        return it == container.labels.end() ? std::string() : it->second;
      };
      if (container.state != "running" || label(labels::kProject) != project ||
          label(labels::kService) != extension->manifest.mcp.service)
        continue;
      servers.push_back({name, extension->manifest.mcp.transport,
                         mcp_url(container.name, extension->manifest.mcp)});
      break;
    }
  }
  return servers;
}

nlohmann::json servers_without_extensions(const nlohmann::json& servers,
                                          const std::set<std::string>& extension_names) {
  nlohmann::json kept = nlohmann::json::object();
  for (const auto& [name, entry] : servers.items()) {
    const bool ours = extension_names.count(name) != 0 && entry.is_object() &&
                      entry.contains("url") && entry.contains("type");
    if (!ours) kept[name] = entry;
  }
  return kept;
}

nlohmann::json desired_mcp_servers(const std::optional<nlohmann::json>& current,
                                   const std::set<std::string>& extension_names,
                                   const std::vector<WiredServer>& servers,
                                   std::vector<std::string>* warnings) {
  const nlohmann::json base = current ? (*current)["mcpServers"] : default_mcp_servers();
  return mcp_servers_with(servers_without_extensions(base, extension_names), servers, warnings);
}

bool write_wired_config(Session& session, const std::vector<WiredServer>& servers,
                        std::vector<std::string>* warnings) {
  const auto path = session.home().mcp_config();
  // A corrupt file throws here, before anything changes.
  const auto current = read_mcp_config(path);
  std::set<std::string> extension_names;
  for (const auto& extension : discover_extensions(session.home()).extensions)
    extension_names.insert(extension.manifest.name);
  for (const auto& name : load_state(session.home().state_file()).enabled_extensions)
    extension_names.insert(name);
  auto document =
      mcp_config_document(desired_mcp_servers(current, extension_names, servers, warnings));
  return write_mcp_config(path, document);
}

namespace {

void restart_proxy(Session& session, const engine::ContainerSummary& proxy,
                   const McpSyncOptions& options) {
  if (options.progress)
    options.progress({"service:" + std::string(kMcpProxyService), kMcpProxyService,
                      ProgressUpdate::State::running, "restarting for the new MCP config"});
  session.engine().stop_container(proxy.id, 5);
  session.engine().start_container(proxy.id);
  // Only the proxy is waited for: the rest of the core is not touched.
  const std::string host = session.url_host() == "localhost" ? "127.0.0.1" : session.url_host();
  HealthReport health;
  util::wait_until(
      [&] {
        health = assess_health(session.engine().inspect_container(proxy.id), host);
        return health.health == Health::healthy || health.health == Health::stopped;
      },
      std::chrono::steady_clock::now() + options.timeout, options.cancelled,
      {std::chrono::milliseconds(200), std::chrono::milliseconds(200)});
  if (health.health != Health::healthy)
    throw Error(ExitCode::unhealthy,
                fmt::format("the MCP proxy did not become healthy after its restart: {}",
                            health.reason.empty() ? to_string(health.health) : health.reason),
                fmt::format("see `ollama-stack logs {}`; the config it reads is {} (copied into "
                            "its volume)",
                            kMcpProxyService, session.home().mcp_config().string()));
  if (options.progress)
    options.progress({"service:" + std::string(kMcpProxyService), kMcpProxyService,
                      ProgressUpdate::State::done, "restarted"});
}

// Open WebUI reads TOOL_SERVER_CONNECTIONS when it starts: the core is applied again as it was
// started (same platform), which recreates Open WebUI when its list changed and leaves every
// unchanged service alone; then waited for.
bool update_webui(Session& session, const compose::Project& project,
                  const McpSyncOptions& options) {
  compose::ApplyOptions apply_options;
  apply_options.plan.extra_labels = core_labels(project.name);
  apply_options.progress = options.progress;
  apply_options.cancelled = options.cancelled;
  const auto applied = compose::apply(session.engine(), project, apply_options);
  if (!applied.changed) return false;
  wait_project_healthy(session.engine(), project.name, session.url_host(),
                       {options.timeout, options.progress, options.cancelled});
  bool recreated = false;
  for (const auto& service : applied.services)
    if (service.service == kWebuiService && service.action != compose::ServiceAction::none)
      recreated = true;
  return recreated;
}

}  // namespace

McpSyncResult sync_mcp_proxy(Session& session, const McpSyncOptions& options) {
  McpSyncResult result;
  result.servers = running_wired_servers(session);
  result.config_changed = write_wired_config(session, result.servers, &result.warnings);
  const auto document = read_mcp_config(session.home().mcp_config()).value_or(nlohmann::json());
  std::erase_if(result.servers,
                [&](const WiredServer& server) { return !config_serves(document, server); });
  if (!options.restart_proxy) return result;
  const std::string core = session.project_name();
  if (!core_running(session.engine(), core)) return result;

  // The project as the stack was last started (its platform decides Open WebUI's image), read
  // again: its TOOL_SERVER_CONNECTIONS is derived from the file just written.
  const auto state = load_state(session.home().state_file());
  const auto loaded = load_stack_project(session.home(), session.options().env,
                                         state.platform.value_or(session.platform().platform),
                                         session.options().compose_dir);
  session.reload_project();
  if (auto target = mcp_volume_target(loaded.project, core_labels(loaded.project.name))) {
    const bool pushed =
        push_mcp_config(session.engine(), *target, mcp_config_text(document), options.progress);
    result.config_changed = result.config_changed || pushed;
    auto proxy = running_proxy(session.engine(), core);
    if (proxy && (pushed || options.force_restart)) {
      restart_proxy(session, *proxy, options);
      result.proxy_restarted = true;
    }
  }
  result.webui_recreated = update_webui(session, loaded.project, options);
  return result;
}

}  // namespace ollama_stack::stack
