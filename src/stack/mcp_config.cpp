#include "ollama_stack/stack/mcp_config.hpp"

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
      "fix the file, or remove it and run `ollama-stack install` to recreate it";
  auto json = util::parse_json_text(*text, path.string(), hint);
  auto servers = json.is_object() ? json.find("mcpServers") : json.end();
  if (!json.is_object() || servers == json.end() || !servers->is_object()) {
    std::string where = path.string();
    if (auto line = util::line_of_member(*text, {"mcpServers"})) where += fmt::format(":{}", *line);
    throw ConfigError(fmt::format("{}: must hold {{\"mcpServers\": {{...}}}}", where), hint);
  }
  return json;
}

bool write_mcp_config(const std::filesystem::path& path, const nlohmann::json& document) {
  auto text = util::read_file_if_exists(path);
  if (text) {
    auto current = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!current.is_discarded() && current == document) return false;
  }
  util::write_file_atomic(path, document.dump(2) + "\n", {.mode = 0644});
  return true;
}

}  // namespace ollama_stack::stack
