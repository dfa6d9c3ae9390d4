#pragma once
// The stack's own compose files (compose/*.yml), embedded in the binary at build time.
#include <optional>
#include <span>
#include <string_view>

namespace ollama_stack::compose {

struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

std::span<const EmbeddedFile> embedded_compose_files();

// The embedded file with that name, if any.
std::optional<std::string_view> embedded_compose_file(std::string_view name);

}  // namespace ollama_stack::compose
