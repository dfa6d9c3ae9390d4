#pragma once
// `<home>/mcp/config.json`, the MCP proxy's (mcpo's) server list: {"mcpServers": {...}}.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

namespace ollama_stack::stack {

// The core tools every stack has: {"time": {"command": "uvx", "args": [...]}}.
nlohmann::json default_mcp_servers();

// {"mcpServers": servers}.
nlohmann::json mcp_config_document(const nlohmann::json& servers);

// nullopt when the file is missing. Throws ConfigError "<path>:<line>:<column>: ..." for bad
// JSON and "<path>: ..." when "mcpServers" is not an object.
std::optional<nlohmann::json> read_mcp_config(const std::filesystem::path& path);

// Writes `document` atomically unless the file already holds the same JSON (formatting aside).
// Returns whether it wrote. A file that does not parse is replaced.
bool write_mcp_config(const std::filesystem::path& path, const nlohmann::json& document);

}  // namespace ollama_stack::stack
