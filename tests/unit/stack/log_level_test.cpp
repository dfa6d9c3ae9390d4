#include "ollama_stack/stack/log_level.hpp"

#include <gtest/gtest.h>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

TEST(LogLevel, ReadsEachServicesFormat) {
  // Ollama (logutil/logutil.go: slog.NewTextHandler with AddSource).
  EXPECT_EQ(
      declared_log_level(
          R"(time=2025-08-21T14:19:24.688Z level=INFO source=routes.go:1234 msg="server config")"),
      LogLevel::info);
  EXPECT_EQ(declared_log_level("time=2025-08-21T14:19:24.688Z level=WARN source=sched.go:1 msg=x"),
            LogLevel::warn);
  EXPECT_EQ(declared_log_level("time=2025-08-21T14:19:24.688Z level=TRACE source=a.go:1 msg=x"),
            LogLevel::debug);
  EXPECT_EQ(declared_log_level("time=2025-08-21T14:19:24.688Z level=INFO+2 source=a.go:1 msg=x"),
            LogLevel::info);
  // Open WebUI (backend/open_webui/utils/logger.py: stdout_format).
  EXPECT_EQ(
      declared_log_level("2025-01-02 03:04:05.678 | ERROR    | open_webui.main:lifespan:12 - boom"),
      LogLevel::error);
  EXPECT_EQ(
      declared_log_level("2025-01-02 03:04:05.678 | WARNING  | open_webui.env:<module>:9 - x"),
      LogLevel::warn);
  EXPECT_EQ(declared_log_level("2025-01-02 03:04:05.678 | SUCCESS  | m:f:1 - x"), LogLevel::info);
  // uvicorn's default formatter (Open WebUI before logging starts, and mcpo).
  EXPECT_EQ(
      declared_log_level("INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)"),
      LogLevel::info);
  EXPECT_EQ(declared_log_level("WARNING:  something"), LogLevel::warn);
  // mcpo (src/mcpo/main.py: logging.basicConfig format "%(asctime)s - %(levelname)s -
  // %(message)s").
  EXPECT_EQ(declared_log_level(
                "2025-01-02 03:04:05,678 - ERROR - Failed to connect to MCP server 'time'"),
            LogLevel::error);
  EXPECT_EQ(declared_log_level("2025-01-02 03:04:05,678 - DEBUG - x"), LogLevel::debug);
  // JSON lines.
  EXPECT_EQ(declared_log_level(R"({"time": "t", "level": "warning", "msg": "x"})"), LogLevel::warn);
  EXPECT_EQ(declared_log_level(R"({"level": 30})"), std::nullopt);
}

TEST(LogLevel, LinesWithoutALevelDeclareNone) {
  for (const char* line :
       {"Traceback (most recent call last):", "  File \"/app/main.py\", line 3, in <module>",
        "[GIN] 2025/01/02 - 03:04:05 | 200 |  1.2ms | 127.0.0.1 | GET \"/api/tags\"",
        "standin[ollama] starting (pid 1)", "Error: lower case words are not levels",
        "a - info - lower case", "{not json", "devel=INFO is not level="})
    EXPECT_EQ(declared_log_level(line), std::nullopt) << line;
}

TEST(LogLevel, ALineWithoutALevelFollowsThePreviousOfItsContainer) {
  LogLevelTracker tracker;
  EXPECT_EQ(tracker.level_of("a", "no level yet"), LogLevel::info);
  EXPECT_EQ(tracker.level_of("a", "2025-01-02 03:04:05.678 | ERROR    | m:f:1 - boom"),
            LogLevel::error);
  EXPECT_EQ(tracker.level_of("b", "INFO:     other container"), LogLevel::info);
  EXPECT_EQ(tracker.level_of("a", "Traceback (most recent call last):"), LogLevel::error);
  EXPECT_EQ(tracker.level_of("b", "  continuation"), LogLevel::info);
}

TEST(LogLevel, Argument) {
  EXPECT_EQ(parse_log_level_argument("warn"), LogLevel::warn);
  EXPECT_EQ(parse_log_level_argument("WARNING"), LogLevel::warn);
  EXPECT_EQ(parse_log_level_argument("Debug"), LogLevel::debug);
  for (const char* bad : {"fatal", "trace", "", "warnx", "3"}) {
    try {
      parse_log_level_argument(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ExitCode::usage);
    }
  }
}

}  // namespace
}  // namespace ollama_stack::stack
