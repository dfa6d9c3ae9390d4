#pragma once
// `<home>/mcp/config.json`, the MCP proxy's (mcpo's) server list: {"mcpServers": {...}}. The file
// is the user's to edit (their own servers are kept); the CLI adds and removes the extension
// entries, refuses to write a list mcpo cannot run, and never replaces a file it cannot parse.
// Open WebUI gets one tool-server connection per entry (TOOL_SERVER_CONNECTIONS).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ollama_stack::stack {

// Where Open WebUI reaches the proxy: the service name on the stack network and mcpo's port.
inline constexpr const char* kMcpProxyUrl = "http://mcp_proxy:8000";

// The core tools every stack has: {"time": {"command": "uvx", "args": [...]}}.
nlohmann::json default_mcp_servers();

// {"mcpServers": servers}.
nlohmann::json mcp_config_document(const nlohmann::json& servers);

// nullopt when the file is missing. Throws ConfigError (exit 5) "<path>:<line>:<column>: ..."
// for bad JSON and "<path>: ..." when "mcpServers" is not an object.
std::optional<nlohmann::json> read_mcp_config(const std::filesystem::path& path);

// Throws ConfigError (exit 5) when `servers` is empty: mcpo exits on an empty list ("No
// 'mcpServers' found") and would restart forever. `path` names the file in the message.
void require_mcp_servers(const nlohmann::json& servers, const std::filesystem::path& path);

// Writes `document` atomically unless the file already holds the same JSON (formatting aside).
// Returns whether it wrote. Refuses (ConfigError, file untouched) a document with no servers
// and an existing file that does not parse: that file is the user's, and only they can mend it.
bool write_mcp_config(const std::filesystem::path& path, const nlohmann::json& document);

// The document as the proxy reads it (2-space JSON and a newline): what is pushed to its volume.
std::string mcp_config_text(const nlohmann::json& document);

// "http://mcp_proxy:8000/<name>": where mcpo serves the server `name` on the stack network.
std::string tool_server_url(const std::string& name);

// Open WebUI's TOOL_SERVER_CONNECTIONS for a config's mcpServers: one connection per server,
// {"url", "path": "openapi.json", "auth_type": "bearer", "key": "", "config": {"enable": true},
// "info": {"name", "description"}}, in the servers' order.
nlohmann::json tool_server_connections(const nlohmann::json& servers);

}  // namespace ollama_stack::stack
