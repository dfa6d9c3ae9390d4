#pragma once
// Text from files and the engine, made safe to show on a terminal: control bytes (an escape
// sequence in a .env line, a carriage return) are written as \xNN instead of being obeyed.
#include <string>
#include <string_view>

namespace ollama_stack::util {

// `text` with every control byte (below 0x20, and 0x7f) but those in `keep` written as \xNN.
std::string printable(std::string_view text, std::string_view keep = "");

}  // namespace ollama_stack::util
