#pragma once
// Where the stack's compose variables come from: the process environment first, then
// `<home>/.env`, then the defaults written in the compose files themselves (${VAR:-default}).
// OLLAMA_STACK_HOME is always the resolved home, OLLAMA_STACK_TOOL_SERVERS always Open WebUI's
// tool-server connections for <home>/mcp/config.json (a ConfigError when that file is corrupt),
// and PROJECT_NAME falls back to "ollama-stack".
#include <filesystem>
#include <string>

#include "ollama_stack/compose/interpolate.hpp"
#include "ollama_stack/stack/home/env_file.hpp"

namespace ollama_stack::stack {

// `process_env` may be null (no environment). `home` is made absolute. The result owns copies
// of everything it needs.
compose::VariableLookup make_stack_lookup(compose::VariableLookup process_env, EnvFile env_file,
                                          const std::filesystem::path& home);

// PROJECT_NAME as the lookup resolves it ("ollama-stack" when unset or empty).
std::string project_name(const compose::VariableLookup& lookup);

}  // namespace ollama_stack::stack
