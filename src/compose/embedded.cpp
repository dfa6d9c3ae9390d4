#include "ollama_stack/compose/embedded.hpp"

namespace ollama_stack::compose {

std::optional<std::string_view> embedded_compose_file(std::string_view name) {
  for (const auto& file : embedded_compose_files()) {
    if (file.name == name) return file.content;
  }
  return std::nullopt;
}

}  // namespace ollama_stack::compose
