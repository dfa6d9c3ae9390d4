#pragma once
// Wiring extensions into the MCP proxy and Open WebUI: <home>/mcp/config.json holds the core's
// default tools plus every running enabled extension, reached by its container's URL on the stack
// network; the proxy reads a copy in its volume (mcp_volume.hpp) and is restarted only when that
// changed (or when a server it serves was recreated, which drops the proxy's connection to it);
// Open WebUI gets one tool-server connection per server (TOOL_SERVER_CONNECTIONS).
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ollama_stack/engine/types.hpp"
#include "ollama_stack/stack/extensions/extension_manifest.hpp"
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

inline constexpr const char* kMcpProxyService = "mcp_proxy";
inline constexpr const char* kWebuiService = "webui";

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

// The servers `document` should hold: its non-extension servers (the core's tools, the user's
// own; the core's defaults when `current` is nullopt) plus `servers`. `extension_names` are the
// names whose {"type", "url"} entries are regenerated. Throws ConfigError when no server is left.
nlohmann::json desired_mcp_servers(const std::optional<nlohmann::json>& current,
                                   const std::set<std::string>& extension_names,
                                   const std::vector<WiredServer>& servers,
                                   std::vector<std::string>* warnings = nullptr);

struct McpSyncOptions {
  bool restart_proxy = true;          // false: write the file only (the core is stopping)
  bool force_restart = false;         // restart even when the config did not change
  std::chrono::seconds timeout{600};  // for the proxy's (and a recreated WebUI's) health
  ProgressCallback progress;
  std::function<bool()> cancelled;
};

struct McpSyncResult {
  bool config_changed = false;  // <home>/mcp/config.json or the proxy's volume changed
  bool proxy_restarted = false;
  bool webui_recreated = false;      // Open WebUI recreated for its new TOOL_SERVER_CONNECTIONS
  std::vector<WiredServer> servers;  // the extensions the config now lists
  std::vector<std::string> warnings;
};

// The running proxy container of the core project, if any.
std::optional<engine::ContainerSummary> running_proxy(engine::Client& client,
                                                      const std::string& core_project);

// The extensions to wire: every enabled extension with a running container of its MCP service.
std::vector<WiredServer> running_wired_servers(Session& session);

// Writes <home>/mcp/config.json for `servers` (the extensions; the file's other servers kept).
// Throws ConfigError, the file untouched, when it does not parse or no server would be left.
// Returns whether the file changed.
bool write_wired_config(Session& session, const std::vector<WiredServer>& servers,
                        std::vector<std::string>* warnings = nullptr);

// Rewrites <home>/mcp/config.json for the running enabled extensions; when the core runs, writes
// it into the proxy's volume, restarts the proxy when that changed (or on force_restart), and
// re-applies the core so Open WebUI's TOOL_SERVER_CONNECTIONS lists the same servers (Open WebUI
// is recreated only when that list changed). Throws Error(unhealthy) when the proxy or WebUI does
// not become healthy, ConfigError when the config file is corrupt (nothing changed then).
McpSyncResult sync_mcp_proxy(Session& session, const McpSyncOptions& options);

}  // namespace ollama_stack::stack
