#pragma once
// The built-in extensions (the repository's extensions/<name>/ folders), embedded in the binary
// at build time. Each file is keyed by its path below extensions/: "fetch/mcp-config.json".
#include <span>

#include "ollama_stack/compose/embedded.hpp"

namespace ollama_stack::stack {

std::span<const compose::EmbeddedFile> embedded_extension_files();

}  // namespace ollama_stack::stack
