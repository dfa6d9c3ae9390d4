#pragma once
// Bytes from the kernel's cryptographic random source (getrandom(2)), for secrets.
#include <cstddef>
#include <string>
#include <string_view>

namespace ollama_stack::util {

// Throws Error(failed) when the kernel cannot supply them.
std::string random_bytes(std::size_t count);

// Lower-case hex of `bytes` (two characters per byte).
std::string to_hex(std::string_view bytes);

}  // namespace ollama_stack::util
