#pragma once
// `logs --level`: the level of a log line, read from the formats the stack's services write —
// Ollama's Go slog text (`time=… level=INFO source=… msg=…`), Open WebUI's loguru lines
// (`2025-01-02 03:04:05.678 | INFO     | module:function:12 - …`), uvicorn's `INFO:     …`,
// Python logging as mcpo configures it (`2025-01-02 03:04:05,678 - INFO - …`) and JSON lines with
// a `level` member. A line without a level of its own (a traceback, a continuation) takes the
// level of the line before it from the same container.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ollama_stack::stack {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

// "debug", "info", "warn", "error".
std::string_view log_level_name(LogLevel level);

// The --level argument (debug|info|warn|error, any case; "warning" too). Throws Error(usage).
LogLevel parse_log_level_argument(std::string_view text);

// The level a line declares, nullopt when it declares none. TRACE counts as debug, SUCCESS and
// NOTICE as info, CRITICAL, FATAL and PANIC as error.
std::optional<LogLevel> declared_log_level(std::string_view text);

// Lines in the order each container wrote them: a line without a level takes the previous
// line's of the same container; info when there is none yet.
class LogLevelTracker {
 public:
  LogLevel level_of(const std::string& container, std::string_view text);

 private:
  std::map<std::string, LogLevel> last_;
};

}  // namespace ollama_stack::stack
