#include "ollama_stack/stack/extension_mcp.hpp"

#include <fmt/format.h>

#include <cctype>
#include <set>
#include <thread>

#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/stack/extension_catalog.hpp"
#include "ollama_stack/stack/extension_project.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/stack/mcp_config.hpp"
#include "ollama_stack/stack/state_file.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/timestamp.hpp"

namespace ollama_stack::stack {
namespace {

namespace labels = compose::labels;

engine::Filters label_filter(std::initializer_list<std::string> pairs) {
  engine::Filters filters;
  for (const auto& pair : pairs) filters["label"].push_back(pair);
  return filters;
}

}  // namespace

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

std::optional<std::chrono::system_clock::time_point> parse_engine_time(const std::string& text) {
  auto seconds = util::parse_rfc3339(text);
  if (!seconds) return std::nullopt;
  std::chrono::system_clock::time_point point = *seconds;
  const auto dot = text.find('.');
  if (dot != std::string::npos) {
    int64_t nanos = 0;
    int digits = 0;
    for (size_t i = dot + 1;
         i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0; ++i) {
      if (digits < 9) {
        nanos = nanos * 10 + (text[i] - '0');
        ++digits;
      }
    }
    for (; digits < 9; ++digits) nanos *= 10;
    point += std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::nanoseconds(nanos));
  }
  return point;
}

bool proxy_has_config(std::chrono::system_clock::time_point proxy_started,
                      std::chrono::system_clock::time_point config_written) {
  return proxy_started >= config_written;
}

std::optional<engine::ContainerSummary> running_proxy(engine::Client& client,
                                                      const std::string& core_project) {
  for (const auto& container : client.list_containers(
           label_filter({std::string(labels::kProject) + "=" + core_project,
                         std::string(labels::kService) + "=" + kMcpProxyService}),
           false))
    if (container.state == "running") return container;
  return std::nullopt;
}

std::vector<WiredServer> running_wired_servers(Session& session) {
  const std::string core = session.project_name();
  const auto state = load_state(session.home().state_file());
  const auto catalog = discover_extensions(session.home());
  const auto containers = session.engine().list_containers(
      label_filter({std::string(labels::kInstallation) + "=" + core,
                    std::string(labels::kComponent) + "=" + kExtensionComponent}),
      false);
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

McpSyncResult sync_mcp_proxy(Session& session, const McpSyncOptions& options) {
  McpSyncResult result;
  result.servers = running_wired_servers(session);
  // The file's other servers (the core's tools, the user's own) stay; every extension entry is
  // regenerated. A missing or unreadable file starts from the core's defaults.
  nlohmann::json base = default_mcp_servers();
  try {
    if (auto current = read_mcp_config(session.home().mcp_config()))
      base = (*current)["mcpServers"];
  } catch (const ConfigError&) {
  }
  std::set<std::string> extension_names;
  for (const auto& extension : discover_extensions(session.home()).extensions)
    extension_names.insert(extension.manifest.name);
  for (const auto& name : load_state(session.home().state_file()).enabled_extensions)
    extension_names.insert(name);
  auto servers = mcp_servers_with(servers_without_extensions(base, extension_names), result.servers,
                                  &result.warnings);
  std::erase_if(result.servers, [&](const WiredServer& server) {
    return !servers.contains(server.name) || servers[server.name].value("url", "") != server.url;
  });
  result.config_changed =
      write_mcp_config(session.home().mcp_config(), mcp_config_document(servers));
  if (!options.restart_proxy || (!result.config_changed && !options.force_restart)) return result;
  const std::string core = session.project_name();
  auto proxy = running_proxy(session.engine(), core);
  if (!proxy) return result;
  if (options.progress)
    options.progress({"service:" + std::string(kMcpProxyService), kMcpProxyService,
                      ProgressUpdate::State::running, "restarting for the new MCP config"});
  session.engine().stop_container(proxy->id, 5);
  session.engine().start_container(proxy->id);
  result.proxy_restarted = true;
  // Only the proxy is waited for: the rest of the core is not touched.
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  const std::string host = session.url_host() == "localhost" ? "127.0.0.1" : session.url_host();
  HealthReport health;
  while (std::chrono::steady_clock::now() < deadline) {
    health = assess_health(session.engine().inspect_container(proxy->id), host);
    if (health.health == Health::healthy || health.health == Health::stopped) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (health.health != Health::healthy)
    throw Error(ExitCode::unhealthy,
                fmt::format("the MCP proxy did not become healthy after its restart: {}",
                            health.reason.empty() ? to_string(health.health) : health.reason),
                fmt::format("see `ollama-stack logs {}`; the config it reads is {}",
                            kMcpProxyService, session.home().mcp_config().string()));
  if (options.progress)
    options.progress({"service:" + std::string(kMcpProxyService), kMcpProxyService,
                      ProgressUpdate::State::done, "restarted"});
  return result;
}

}  // namespace ollama_stack::stack
