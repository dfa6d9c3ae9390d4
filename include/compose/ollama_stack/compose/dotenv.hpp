#pragma once
// `.env` / env_file parsing: KEY=VALUE lines, optional `export `, `#` comments, single quotes
// literal, double quotes with escapes (\n \t \\ \" \$) that may span lines, unquoted and
// double-quoted values interpolated (${VAR} from earlier lines of the file, then the lookup),
// a bare KEY taking the lookup's value.
#include <string>
#include <string_view>
#include <vector>

#include "ollama_stack/compose/interpolate.hpp"

namespace ollama_stack::compose {

struct DotenvEntry {
  std::string key;
  std::string value;
  bool operator==(const DotenvEntry&) const = default;
};

// Entries in file order; a repeated key keeps its first position and its last value. A bare
// KEY takes the lookup's value (left out when it has none), as in Compose's env_file; with
// `bare_keys` false it is an error instead. Throws ConfigError "path:line: ..." on bad syntax,
// showing the line's control bytes as \xNN.
std::vector<DotenvEntry> parse_dotenv(std::string_view text, const std::string& path,
                                      const VariableLookup& lookup = nullptr, bool bare_keys = true);

}  // namespace ollama_stack::compose
