#include "ollama_stack/stack/mcp/mcp_config.hpp"

#include <fmt/format.h>

#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/json_text.hpp"

namespace ollama_stack::stack {

nlohmann::json default_mcp_servers() {
  return {{"time", {{"command", "uvx"}, {"args", {"mcp-server-time", "--local-timezone=UTC"}}}}};
}

nlohmann::json mcp_config_document(const nlohmann::json& servers) {
  return {{"mcpServers", servers}};
}

std::optional<nlohmann::json> read_mcp_config(const std::filesystem::path& path) {
  std::optional<std::string> text;
  try {
    text = util::read_file_if_exists(path);
  } catch (const Error& error) {
    throw ConfigError(error.what(), "check the file's permissions");
  }
  if (!text) return std::nullopt;
  const std::string hint =
      "fix the file (it is kept as it is), or move it aside and run `ollama-stack install` to "
      "write the default one";
  auto json = util::parse_json_text(*text, path.string(), hint);
  auto servers = json.is_object() ? json.find("mcpServers") : json.end();
  if (!json.is_object() || servers == json.end() || !servers->is_object()) {
    std::string where = path.string();
    if (auto line = util::line_of_member(*text, {"mcpServers"})) where += fmt::format(":{}", *line);
    throw ConfigError(fmt::format("{}: must hold {{\"mcpServers\": {{...}}}}", where), hint);
  }
  return json;
}

void require_mcp_servers(const nlohmann::json& servers, const std::filesystem::path& path) {
  if (servers.is_object() && !servers.empty()) return;
  throw ConfigError(
      fmt::format("{}: mcpServers would be empty, and the MCP proxy (mcpo) exits when it has no "
                  "server, restarting forever",
                  path.string()),
      "keep at least one server in the file (the default is the \"time\" tool: `ollama-stack "
      "install --force` writes it back), or enable an extension");
}

bool write_mcp_config(const std::filesystem::path& path, const nlohmann::json& document) {
  require_mcp_servers(document.value("mcpServers", nlohmann::json()), path);
  // A file that does not parse throws here and is never replaced.
  if (auto current = read_mcp_config(path); current && *current == document) return false;
  util::write_file_atomic(path, mcp_config_text(document), {.mode = 0644});
  return true;
}

std::string mcp_config_text(const nlohmann::json& document) { return document.dump(2) + "\n"; }

std::string tool_server_url(const std::string& name) {
  return fmt::format("{}/{}", kMcpProxyUrl, name);
}

nlohmann::json tool_server_connections(const nlohmann::json& servers) {
  nlohmann::json connections = nlohmann::json::array();
  if (!servers.is_object()) return connections;
  for (const auto& [name, entry] : servers.items()) {
    (void)entry;
    connections.push_back(
        {{"url", tool_server_url(name)},
         {"path", "openapi.json"},
         {"auth_type", "bearer"},
         {"key", ""},
         {"config", {{"enable", true}}},
         {"info",
          {{"name", name},
           {"description", "MCP server " + name + " through ollama-stack's MCP proxy"}}}});
  }
  return connections;
}

}  // namespace ollama_stack::stack
