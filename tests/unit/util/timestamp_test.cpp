#include "ollama_stack/util/timestamp.hpp"

#include <gtest/gtest.h>

namespace ollama_stack::util {
namespace {

using namespace std::chrono;

TEST(Timestamp, FormatsUtc) {
  sys_seconds t = sys_days{2024y / May / 1} + 12h + 34min + 56s;
  EXPECT_EQ(format_rfc3339(t), "2024-05-01T12:34:56Z");
  EXPECT_EQ(format_compact_utc(t + 999ms), "20240501T123456Z");
}

TEST(Timestamp, ParsesRfc3339) {
  sys_seconds t = sys_days{2024y / May / 1} + 12h + 34min + 56s;
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:34:56Z"), t);
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:34:56.123456789Z"), t);
  EXPECT_EQ(parse_rfc3339("2024-05-01T14:34:56+02:00"), t);
  EXPECT_EQ(parse_rfc3339("2024-05-01T10:04:56-02:30"), t);
  EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), t);
}

TEST(Timestamp, RejectsOtherText) {
  for (const char* text : {"", "2024-05-01", "2024-05-01T12:34:56", "2024-13-01T00:00:00Z",
                           "2024-02-30T00:00:00Z", "2024-05-01T12:34:56Zx", "yesterday"}) {
    EXPECT_EQ(parse_rfc3339(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace ollama_stack::util
