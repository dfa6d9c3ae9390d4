#include "ollama_stack/stack/home/variable_lookup.hpp"

#include "ollama_stack/stack/home/env_defaults.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/mcp/mcp_config.hpp"

namespace ollama_stack::stack {

compose::VariableLookup make_stack_lookup(compose::VariableLookup process_env, EnvFile env_file,
                                          const std::filesystem::path& home) {
  std::string home_text = std::filesystem::absolute(home).lexically_normal().string();
  if (home_text.size() > 1 && home_text.back() == '/') home_text.pop_back();
  return [process_env = std::move(process_env), env_file = std::move(env_file),
          home_text = std::move(home_text)](std::string_view name) -> std::optional<std::string> {
    if (name == kHomeVariable) return home_text;
    if (name == kToolServersVariable) {
      auto config = read_mcp_config(HomeLayout{home_text}.mcp_config());
      return tool_server_connections(config ? (*config)["mcpServers"] : nlohmann::json::object())
          .dump();
    }
    if (process_env) {
      if (auto value = process_env(name)) return value;
    }
    if (auto value = env_file.get(name)) return value;
    if (name == kProjectNameVariable) return std::string(kDefaultProjectName);
    return std::nullopt;
  };
}

std::string project_name(const compose::VariableLookup& lookup) {
  if (lookup) {
    if (auto value = lookup(kProjectNameVariable); value && !value->empty()) return *value;
  }
  return std::string(kDefaultProjectName);
}

}  // namespace ollama_stack::stack
