#pragma once
// How `logs` shows a line: "<service padded> | [<time> ]<text>" like docker compose, the prefix
// coloured per service when colour is on; or one JSON object per line for --json.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ollama_stack/stack/logs.hpp"

namespace ollama_stack::cli {

struct LogRenderOptions {
  bool prefix = true;            // false: --no-prefix
  bool timestamps = false;       // -t: keep the engine's RFC3339Nano time before the text
  bool color = false;            // from TerminalCaps, decided in one place
  std::size_t prefix_width = 0;  // the widest service name shown
};

// The display width of the widest name.
std::size_t log_prefix_width(const std::vector<std::string>& services);

// One rendered line with its '\n'.
std::string render_log_line(const stack::LogLine& line, const LogRenderOptions& options);

// {"service","container","stream":"stdout"|"stderr","time":RFC3339Nano or null,"line"}
nlohmann::json log_line_json(const stack::LogLine& line);

}  // namespace ollama_stack::cli
