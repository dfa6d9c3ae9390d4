#pragma once
// Parsing JSON files with errors that point at file:line:column, as users expect from a
// configuration file (nlohmann reports only a byte offset and a long technical message).
#include <cstddef>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace ollama_stack::util {

struct TextPosition {
  std::size_t line = 1;    // 1-based
  std::size_t column = 1;  // 1-based, in bytes
};

// Position of the byte at `offset` (0-based; clamped to the text).
TextPosition position_of_offset(std::string_view text, std::size_t offset);

// Throws ConfigError "<path>:<line>:<column>: not valid JSON: <what is wrong>" with `hint`.
nlohmann::json parse_json_text(std::string_view text, std::string_view path, std::string hint);

// Line of the member reached by following `keys` ("last_start", "platform") through the text,
// for errors found after parsing. nullopt when it cannot be found (escaped keys, say).
std::optional<std::size_t> line_of_member(std::string_view text,
                                          std::initializer_list<std::string_view> keys);

}  // namespace ollama_stack::util
