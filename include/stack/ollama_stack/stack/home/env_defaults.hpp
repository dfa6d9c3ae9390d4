#pragma once
// The variables the stack's compose files read, with their defaults and what they do: the
// source of the commented documentation in a new `<home>/.env`.
#include <span>
#include <string>
#include <string_view>

namespace ollama_stack::stack {

inline constexpr std::string_view kProjectNameVariable = "PROJECT_NAME";
inline constexpr std::string_view kDefaultProjectName = "ollama-stack";
inline constexpr std::string_view kSecretKeyVariable = "WEBUI_SECRET_KEY";
// Set by ollama-stack itself to the home path (for a user's own override files; the stack's
// files name no path of the home: the engine may be on another machine).
inline constexpr std::string_view kHomeVariable = "OLLAMA_STACK_HOME";
// Set by ollama-stack itself: Open WebUI's TOOL_SERVER_CONNECTIONS, one connection per server of
// <home>/mcp/config.json (see mcp_config.hpp).
inline constexpr std::string_view kToolServersVariable = "OLLAMA_STACK_TOOL_SERVERS";

struct StackVariable {
  std::string_view name;
  std::string_view default_value;  // "" when there is none (WEBUI_SECRET_KEY)
  std::string_view description;    // one or more comment lines, '\n'-separated, no "# "
  bool set_in_new_file = false;    // written as an active line rather than a commented example
};

// The format of the .env ollama-stack writes, declared on the file's first line so that
// `ollama-stack migrate` can tell an older file from a current one.
inline constexpr int kEnvFormatVersion = 1;
inline constexpr std::string_view kEnvFormatPrefix = "# ollama-stack .env format ";

// The comment block a .env starts with: the format line, then what the file is for.
std::string env_header_text();

// How one variable is documented: a blank line and its description (none for a variable that
// shares the one before it), then `NAME=value` when `active`, else `# NAME=default`.
std::string env_variable_text(const StackVariable& variable, bool active, std::string_view value);

// In the order a new .env lists them.
std::span<const StackVariable> stack_variables();

// The content of a new .env: a header, then each variable with its description; PROJECT_NAME
// and WEBUI_SECRET_KEY (= `secret`) set, the others as commented `# NAME=default` examples.
std::string default_env_text(std::string_view secret);

}  // namespace ollama_stack::stack
