#pragma once
// Durations ("1m30s", "500ms") and byte sizes ("128m", "1g", "1024") as compose writes them.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ollama_stack::compose {

// Go-style duration: one or more <number><unit> with units ns, us (µs), ms, s, m, h; fractions
// allowed ("1.5s"). A bare number is only valid as "0". nullopt when malformed or negative.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

// Byte size: a number with an optional unit b, k, m, g, t (binary: 1k = 1024), optionally
// followed by "b" or "ib" ("128mb", "1GiB"), case-insensitive; a plain integer is bytes.
// nullopt when malformed, negative or too large.
std::optional<int64_t> parse_byte_size(std::string_view text);

}  // namespace ollama_stack::compose
