#pragma once
// Wiring extensions into the MCP proxy: <home>/mcp/config.json holds the core's default tools
// plus every running enabled extension, reached by its container's URL on the stack network.
// The proxy (the core's mcp_proxy service) is restarted only when that file changed (or when a
// server it serves was recreated, which drops the proxy's connection to it), once per change.
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ollama_stack/engine/types.hpp"
#include "ollama_stack/stack/extension_manifest.hpp"
#include "ollama_stack/stack/session.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

inline constexpr const char* kMcpProxyService = "mcp_proxy";

// One extension's MCP server as the proxy reaches it.
struct WiredServer {
  std::string name;  // the extension's name: the key in mcpServers
  McpTransport transport = McpTransport::sse;
  std::string url;  // "http://<container>:<port><path>"
  bool operator==(const WiredServer&) const = default;
};

// "http://<host>:<port><path>".
std::string mcp_url(const std::string& host, const McpEndpoint& endpoint);

// The core's servers plus one {"type": transport, "url": url} entry per extension. An extension
// whose name is already a core server's is left out, with a warning in `warnings`.
nlohmann::json mcp_servers_with(const nlohmann::json& core_servers,
                                const std::vector<WiredServer>& servers,
                                std::vector<std::string>* warnings = nullptr);

// `servers` (a config's mcpServers) without the extension entries ({"type", "url"} under one of
// `extension_names`): what stays when the extensions are regenerated (core tools, the user's own).
nlohmann::json servers_without_extensions(const nlohmann::json& servers,
                                          const std::set<std::string>& extension_names);

// The names `document` (a config file) lists under mcpServers with exactly `server`'s entry.
bool config_serves(const nlohmann::json& document, const WiredServer& server);

// "2024-05-01T12:34:56.123456789Z" -> time point with the fraction kept; nullopt when invalid.
std::optional<std::chrono::system_clock::time_point> parse_engine_time(const std::string& text);

// Whether a proxy started at `proxy_started` has read a config last written at `config_written`.
bool proxy_has_config(std::chrono::system_clock::time_point proxy_started,
                      std::chrono::system_clock::time_point config_written);

struct McpSyncOptions {
  bool restart_proxy = true;          // false: write the file only (the core is stopping)
  bool force_restart = false;         // restart even when the file did not change
  std::chrono::seconds timeout{120};  // for the proxy's health after a restart
  ProgressCallback progress;
};

struct McpSyncResult {
  bool config_changed = false;
  bool proxy_restarted = false;
  std::vector<WiredServer> servers;  // the extensions the config now lists
  std::vector<std::string> warnings;
};

// The running proxy container of the core project, if any.
std::optional<engine::ContainerSummary> running_proxy(engine::Client& client,
                                                      const std::string& core_project);

// The extensions to wire: every enabled extension with a running container of its MCP service.
std::vector<WiredServer> running_wired_servers(Session& session);

// Rewrites <home>/mcp/config.json: its non-extension servers kept, plus the running enabled
// extensions; restarts the proxy when the file changed (and the proxy runs). Throws
// Error(unhealthy) when the restarted proxy does not become healthy.
McpSyncResult sync_mcp_proxy(Session& session, const McpSyncOptions& options);

}  // namespace ollama_stack::stack
