#pragma once
// The user's `<home>/.env`: read into ordered key/values (with the compose dotenv parser), and
// edited one key at a time so every other line and comment stays exactly as the user left it.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ollama_stack/compose/dotenv.hpp"
#include "ollama_stack/compose/interpolate.hpp"

namespace ollama_stack::stack {

struct EnvFile {
  std::filesystem::path path;
  bool exists = false;
  std::vector<compose::DotenvEntry> entries;  // file order

  std::optional<std::string> get(std::string_view key) const;
};

// A missing file gives exists=false and no entries. `lookup` serves ${VAR} references to
// variables the file does not define (the process environment, as Docker Compose does).
// Throws ConfigError "<path>:<line>: ..." on bad syntax (a line that is not KEY=value included),
// ConfigError when it cannot be read.
EnvFile read_env_file(const std::filesystem::path& path,
                      const compose::VariableLookup& lookup = nullptr);

// `KEY=value`, the value quoted only when the parser would otherwise change it.
std::string format_env_assignment(std::string_view key, std::string_view value);

// `text` with `key` set to `value`: the key's last definition (all its lines, for a multi-line
// quoted value) is replaced in place; a key not defined goes after a commented `# KEY=...`
// example line when there is one, else at the end. Nothing else changes.
std::string set_env_value_in_text(std::string_view text, std::string_view key,
                                  std::string_view value);

// Sets the keys in the file atomically (mode 0600; the file is created when missing).
// Returns whether the file's content changed.
bool set_env_values(const std::filesystem::path& path,
                    const std::vector<std::pair<std::string, std::string>>& values);
bool set_env_value(const std::filesystem::path& path, std::string_view key, std::string_view value);

}  // namespace ollama_stack::stack
