#pragma once
// RFC 3339 timestamps in UTC, as the state file and JSON output write them.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ollama_stack::util {

// "2024-05-01T12:34:56Z" (whole seconds, UTC).
std::string format_rfc3339(std::chrono::system_clock::time_point time);

// "20240501T123456Z": for file names (no colons).
std::string format_compact_utc(std::chrono::system_clock::time_point time);

// Accepts "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" ('t'/'z'/' ' tolerated); the
// fraction is dropped. nullopt when the text is not such a timestamp.
std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text);

}  // namespace ollama_stack::util
