#include "ollama_stack/util/printable.hpp"

#include <fmt/format.h>

namespace ollama_stack::util {

std::string printable(std::string_view text, std::string_view keep) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 || byte == 0x7f) && keep.find(c) == std::string_view::npos)
      out += fmt::format("\\x{:02x}", byte);
    else
      out += c;
  }
  return out;
}

}  // namespace ollama_stack::util
