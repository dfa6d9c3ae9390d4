// What a waiting service shows: why it is not healthy yet and its latest log line, fit for one
// line.
#include "ollama_stack/stack/lifecycle.hpp"

#include <gtest/gtest.h>

namespace ollama_stack::stack {
namespace {

TEST(Lifecycle, LogLinesAreTrimmedToOneSafeLine) {
  EXPECT_EQ(trim_log_line("  INFO  Running migrations\r\n"), "INFO  Running migrations");
  EXPECT_EQ(trim_log_line("a\x1b[31mred\x07"), "a [31mred");
  const std::string long_line(300, 'x');
  EXPECT_EQ(trim_log_line(long_line), std::string(160, 'x') + "...");
  const std::string accents = std::string(159, 'x') + "\xc3\xa9\xc3\xa9";  // é cut in the middle
  EXPECT_EQ(trim_log_line(accents), std::string(159, 'x') + "...");
}

TEST(Lifecycle, TheWaitingMessageHasTheReasonAndTheLog) {
  HealthReport starting;
  starting.reason = "http://127.0.0.1:8080/health does not answer yet (Connection refused)";
  EXPECT_EQ(waiting_message(starting, "Downloading embedding model"),
            "http://127.0.0.1:8080/health does not answer yet (Connection refused) | log: "
            "Downloading embedding model");
  EXPECT_EQ(waiting_message(HealthReport{}, ""), "waiting");
}

}  // namespace
}  // namespace ollama_stack::stack
