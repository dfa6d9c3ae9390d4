#include "ollama_stack/util/json_text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::util {
namespace {

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line 2, column 8:
// syntax error while parsing value - invalid literal; last read: 'x'": keep what follows " - ".
std::string parse_error_detail(const nlohmann::json::parse_error& error) {
  std::string_view what = error.what();
  if (auto colon = what.find(": "); colon != std::string_view::npos) what.remove_prefix(colon + 2);
  if (auto dash = what.find(" - "); dash != std::string_view::npos) what.remove_prefix(dash + 3);
  return std::string(what);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

TextPosition position_of_offset(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition position;
  std::string_view before = text.substr(0, offset);
  position.line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  auto last_newline = before.rfind('\n');
  position.column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return position;
}

nlohmann::json parse_json_text(std::string_view text, std::string_view path, std::string hint) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    // `byte` counts the characters read, so the offending one is at byte - 1.
    auto position = position_of_offset(text, error.byte > 0 ? error.byte - 1 : 0);
    throw ConfigError(fmt::format("{}:{}:{}: not valid JSON: {}", path, position.line,
                                  position.column, parse_error_detail(error)),
                      std::move(hint));
  }
}

std::optional<std::size_t> line_of_member(std::string_view text,
                                          std::initializer_list<std::string_view> keys) {
  std::size_t pos = 0;
  bool found_any = false;
  for (std::string_view key : keys) {
    std::string quoted = fmt::format("\"{}\"", key);
    while (true) {
      pos = text.find(quoted, pos);
      if (pos == std::string_view::npos) return std::nullopt;
      std::size_t after = pos + quoted.size();
      while (after < text.size() && is_space(text[after])) ++after;
      if (after < text.size() && text[after] == ':') break;  // a key, not a string value
      pos = after;
    }
    found_any = true;
  }
  if (!found_any) return std::nullopt;
  return position_of_offset(text, pos).line;
}

}  // namespace ollama_stack::util
