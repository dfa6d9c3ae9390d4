#pragma once
// The steps that upgrade the home's files from one format to the next. Pure: text or JSON in,
// text or JSON out, with one sentence per change for the user. Step N turns format N into N + 1;
// a file several formats old goes through every step in turn. Format 0 is what the Python
// ollama-stack (the tool this one replaces) wrote into the same home, ~/.ollama-stack.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ollama_stack::stack {

// The format of a .env: N from its "# ollama-stack .env format N" line; 1 for a file that starts
// with the header ollama-stack wrote before that line existed; 0 for anything else (the Python
// ollama-stack's, or one written by hand).
int env_format_of(std::string_view text);

struct StateUpgrade {
  nlohmann::json json;               // at kStateSchemaVersion
  std::vector<std::string> changes;  // what the steps changed, one sentence each
};

// Upgrades a state file's JSON from its schema (state_schema_of) to the current one. Members a
// step does not know stay as they are. Throws ConfigError for a schema newer than this tool's.
StateUpgrade upgrade_state_json(const nlohmann::json& json);

struct EnvUpgrade {
  std::string text;                  // at kEnvFormatVersion
  std::vector<std::string> changes;  // what the steps changed
  std::vector<std::string> notes;    // what the user may want to do (variables no longer read)
};

// Upgrades a .env's text to the current format. Every line the user wrote is kept; only a
// missing WEBUI_SECRET_KEY, or the placeholder the Python tool wrote, gets a `new_secret()`.
// Throws ConfigError for a format newer than this tool's.
EnvUpgrade upgrade_env_text(std::string_view text, const std::function<std::string()>& new_secret);

}  // namespace ollama_stack::stack
