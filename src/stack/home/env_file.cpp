#include "ollama_stack/stack/home/env_file.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool is_key_char(char c, bool first) {
  bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  if (first) return letter;
  return letter || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

bool is_plain_value_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_-./:@+,%=~").find(c) != std::string_view::npos;
}

// Where one KEY=... statement sits in the text: whole lines, trailing newline included.
struct Statement {
  std::string key;
  size_t begin = 0;
  size_t end = 0;
};

size_t skip_blanks(std::string_view text, size_t pos) {
  while (pos < text.size() && is_blank(text[pos])) ++pos;
  return pos;
}

size_t past_line_end(std::string_view text, size_t pos) {
  size_t newline = text.find('\n', pos);
  return newline == std::string_view::npos ? text.size() : newline + 1;
}

// Reads the key of an assignment at `pos` (after blanks / `export`); returns the position just
// after the '=' or npos when the line is not an assignment.
size_t assignment_key(std::string_view text, size_t pos, std::string& key) {
  pos = skip_blanks(text, pos);
  std::string_view rest = text.substr(pos);
  if (rest.starts_with("export ") || rest.starts_with("export\t")) pos = skip_blanks(text, pos + 7);
  size_t start = pos;
  while (pos < text.size() && is_key_char(text[pos], pos == start)) ++pos;
  key.assign(text.substr(start, pos - start));
  pos = skip_blanks(text, pos);
  if (key.empty() || pos >= text.size() || text[pos] != '=') return std::string_view::npos;
  return pos + 1;
}

// The statements of a dotenv text, following quoted values across lines as the parser does.
std::vector<Statement> scan_statements(std::string_view text) {
  std::vector<Statement> statements;
  size_t pos = 0;
  while (pos < text.size()) {
    Statement statement;
    statement.begin = pos;
    size_t value = assignment_key(text, pos, statement.key);
    if (value == std::string_view::npos) {
      pos = past_line_end(text, pos);
      continue;
    }
    value = skip_blanks(text, value);
    if (value < text.size() && (text[value] == '\'' || text[value] == '"')) {
      char quote = text[value++];
      while (value < text.size() && text[value] != quote) {
        if (quote == '"' && text[value] == '\\') ++value;
        ++value;
      }
      value = std::min(value + 1, text.size());
    }
    statement.end = past_line_end(text, value);
    pos = statement.end;
    statements.push_back(std::move(statement));
  }
  return statements;
}

// The end of the last comment line that looks like "# KEY=..." (npos when none).
size_t after_commented_example(std::string_view text, std::string_view key) {
  size_t found = std::string_view::npos;
  for (size_t pos = 0; pos < text.size(); pos = past_line_end(text, pos)) {
    size_t p = skip_blanks(text, pos);
    if (p >= text.size() || text[p] != '#') continue;
    std::string comment_key;
    if (assignment_key(text, p + 1, comment_key) != std::string_view::npos && comment_key == key) {
      found = past_line_end(text, pos);
    }
  }
  return found;
}

// The value one statement holds on its own (nullopt when it does not parse alone).
std::optional<std::string> current_value(std::string_view statement) {
  try {
    auto entries = compose::parse_dotenv(statement, "");
    if (entries.size() == 1) return entries.front().value;
  } catch (const Error&) {
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> EnvFile::get(std::string_view key) const {
  for (const auto& entry : entries) {
    if (entry.key == key) return entry.value;
  }
  return std::nullopt;
}

EnvFile read_env_file(const std::filesystem::path& path, const compose::VariableLookup& lookup) {
  EnvFile file;
  file.path = path;
  std::optional<std::string> text;
  try {
    text = util::read_file_if_exists(path);
  } catch (const Error& error) {
    throw ConfigError(error.what(), "check the file's permissions (it should be yours, mode 0600)");
  }
  if (!text) return file;
  file.exists = true;
  // The stack's own settings: a line without "=" is a mistake here, not Compose's "inherit".
  file.entries = compose::parse_dotenv(*text, path.string(), lookup, /*bare_keys=*/false);
  return file;
}

std::string format_env_assignment(std::string_view key, std::string_view value) {
  std::string line(key);
  line += '=';
  if (std::all_of(value.begin(), value.end(), is_plain_value_char))
    return line + std::string(value);
  if (value.find_first_of("'\n\r") == std::string_view::npos) {
    return line + "'" + std::string(value) + "'";
  }
  line += '"';
  for (char c : value) {
    switch (c) {
      case '\\':
        line += "\\\\";
        break;
      case '"':
        line += "\\\"";
        break;
      case '$':
        line += "\\$";
        break;
      case '\n':
        line += "\\n";
        break;
      case '\r':
        line += "\\r";
        break;
      case '\t':
        line += "\\t";
        break;
      default:
        line += c;
    }
  }
  return line + '"';
}

std::string set_env_value_in_text(std::string_view text, std::string_view key,
                                  std::string_view value) {
  std::string assignment = format_env_assignment(key, value) + "\n";
  auto statements = scan_statements(text);
  auto last = std::find_if(statements.rbegin(), statements.rend(),
                           [&](const Statement& s) { return s.key == key; });
  if (last != statements.rend()) {
    if (current_value(text.substr(last->begin, last->end - last->begin)) == value) {
      return std::string(text);
    }
    return std::string(text.substr(0, last->begin)) + assignment +
           std::string(text.substr(last->end));
  }
  size_t insert_at = after_commented_example(text, key);
  if (insert_at == std::string_view::npos) insert_at = text.size();
  std::string before(text.substr(0, insert_at));
  if (!before.empty() && before.back() != '\n') before += '\n';
  return before + assignment + std::string(text.substr(insert_at));
}

bool set_env_values(const std::filesystem::path& path,
                    const std::vector<std::pair<std::string, std::string>>& values) {
  std::string original = util::read_file_if_exists(path).value_or("");
  std::string updated = original;
  for (const auto& [key, value] : values) updated = set_env_value_in_text(updated, key, value);
  if (updated == original && std::filesystem::exists(path)) return false;
  util::write_file_atomic(path, updated, {.mode = S_IRUSR | S_IWUSR});
  return true;
}

bool set_env_value(const std::filesystem::path& path, std::string_view key,
                   std::string_view value) {
  return set_env_values(path, {{std::string(key), std::string(value)}});
}

}  // namespace ollama_stack::stack
