#pragma once
// Compose files may be saved as UTF-8 (with or without a BOM) or as UTF-16 with a BOM (Windows
// editors do this). Everything after this stage works on UTF-8.
#include <string>
#include <string_view>

namespace ollama_stack::compose {

// Returns the text as UTF-8 without a BOM. Throws ConfigError naming `path` when the bytes are
// not valid UTF-8 / UTF-16.
std::string decode_text(std::string_view bytes, const std::string& path);

}  // namespace ollama_stack::compose
