#pragma once
// Tools reach the chat only when both halves agree: the MCP proxy (mcpo) serves a server at
// /<name> and Open WebUI has a tool-server connection to http://mcp_proxy:8000/<name>. Open WebUI
// takes TOOL_SERVER_CONNECTIONS from its environment only while its database holds no saved list
// (a PersistentConfig: once an admin saves tool servers, the saved list wins), so what it uses is
// read from inside its container, never assumed. Nothing here changes Open WebUI's settings.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/stack/home/session.hpp"

namespace ollama_stack::stack {

// Where Open WebUI's tool-server list comes from.
enum class ToolListSource { not_running, environment, database, unknown };
std::string to_string(
    ToolListSource source);  // "not running", "environment", "database", "unknown"

struct WebuiToolServers {
  ToolListSource source = ToolListSource::not_running;
  nlohmann::json connections = nlohmann::json::array();  // what it uses, when known
  std::string detail;                                    // why unknown
  // OLLAMA_BASE_URLS is a PersistentConfig too ("ollama.base_urls"): the Ollama connections an
  // admin saved, which Open WebUI uses instead of the environment's; nullopt when none are saved.
  std::optional<std::vector<std::string>> saved_ollama_urls;
};

// The Python program run inside the WebUI container (the image has python3): prints one JSON
// line {"env": TOOL_SERVER_CONNECTIONS or null, "stored": the saved list or null,
// "ollama_stored": the saved OLLAMA_BASE_URLS or null, "persistent": ENABLE_PERSISTENT_CONFIG,
// "error"?} from its SQLite database (read-only).
const std::string& webui_tool_servers_script();
// What that output means (pure).
WebuiToolServers parse_webui_tool_servers(std::string_view output);
// Runs the script in the core's running webui container.
WebuiToolServers read_webui_tool_servers(engine::Client& client, const std::string& core_project);

// Whether `connections` (Open WebUI's list) has an enabled connection to `url` (pure).
bool connections_include(const nlohmann::json& connections, const std::string& url);
// The fix when Open WebUI's saved list lacks `urls`: where to add them in its admin UI (pure).
std::string add_in_webui_fix(const std::vector<std::string>& urls);

struct ToolServerStatus {
  std::string name;       // the key in mcpServers
  std::string url;        // as Open WebUI reaches it: http://mcp_proxy:8000/<name>
  std::string extension;  // the extension it belongs to; "" for the core's and the user's own
  std::optional<bool>
      served;  // mcpo answers /<name>/openapi.json; nullopt: the proxy is not running
  std::optional<bool> webui;  // Open WebUI is configured with it; nullopt: not known
};

struct ToolServersReport {
  std::vector<ToolServerStatus> servers;  // every server of <home>/mcp/config.json
  WebuiToolServers webui;
  std::string fix;  // set when a served server is missing from Open WebUI's saved list
};

// The report for the home's config (a corrupt config gives an empty report with `fix` saying so).
ToolServersReport tool_servers_report(Session& session);

}  // namespace ollama_stack::stack
