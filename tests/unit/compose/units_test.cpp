#include "ollama_stack/compose/units.hpp"

#include "compose_test_support.hpp"

namespace ollama_stack::compose {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;
using ::testing::HasSubstr;

TEST(ComposeUnits, Durations) {
  EXPECT_EQ(parse_duration("1m30s"), nanoseconds(90s));
  EXPECT_EQ(parse_duration("500ms"), nanoseconds(500ms));
  EXPECT_EQ(parse_duration("1h"), nanoseconds(1h));
  EXPECT_EQ(parse_duration("250us"), nanoseconds(250us));
  EXPECT_EQ(parse_duration("10ns"), nanoseconds(10));
  EXPECT_EQ(parse_duration("1.5s"), nanoseconds(1500ms));
  EXPECT_EQ(parse_duration("1h2m3s4ms"), nanoseconds(1h + 2min + 3s + 4ms));
  EXPECT_EQ(parse_duration("0"), nanoseconds(0));
  EXPECT_EQ(parse_duration("0s"), nanoseconds(0));
}

TEST(ComposeUnits, InvalidDurations) {
  for (const char* bad : {"", "10", "1.5", "s", "10x", "-5s", "1m30", "5 s", "1d", "ms"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(ComposeUnits, ByteSizes) {
  EXPECT_EQ(parse_byte_size("128m"), 134217728);
  EXPECT_EQ(parse_byte_size("1g"), 1073741824);
  EXPECT_EQ(parse_byte_size("512k"), 524288);
  EXPECT_EQ(parse_byte_size("1024b"), 1024);
  EXPECT_EQ(parse_byte_size("1024"), 1024);
  EXPECT_EQ(parse_byte_size("2G"), 2147483648);
  EXPECT_EQ(parse_byte_size("64MB"), 67108864);
  EXPECT_EQ(parse_byte_size("1GiB"), 1073741824);
  EXPECT_EQ(parse_byte_size("1.5g"), 1610612736);
  EXPECT_EQ(parse_byte_size("1t"), 1099511627776);
}

TEST(ComposeUnits, InvalidByteSizes) {
  for (const char* bad : {"", "m", "12q", "-1m", "1mm", "1 g", "1gbb", "1e3"}) {
    EXPECT_FALSE(parse_byte_size(bad).has_value()) << bad;
  }
}

TEST(ComposeUnits, ServiceValuesUseThem) {
  auto project = testing::load_text(R"(services:
  a:
    image: x
    mem_limit: 128m
    shm_size: 1g
    stop_grace_period: 1m30s
    healthcheck:
      test: ["CMD", "true"]
      interval: 500ms
      timeout: 1h
      start_period: 0
)")
                     .project;
  const Service& a = project.services.at("a");
  EXPECT_EQ(a.memory_bytes, 134217728);
  EXPECT_EQ(a.shm_size_bytes, 1073741824);
  EXPECT_EQ(a.stop_grace_period, std::chrono::seconds(90));
  EXPECT_EQ(a.healthcheck->interval, nanoseconds(500ms));
  EXPECT_EQ(a.healthcheck->timeout, nanoseconds(1h));
  EXPECT_EQ(a.healthcheck->start_period, nanoseconds(0));
}

TEST(ComposeUnits, StopGracePeriodRoundsUpToWholeSeconds) {
  auto project =
      testing::load_text("services:\n  a:\n    image: x\n    stop_grace_period: 1500ms\n").project;
  EXPECT_EQ(project.services.at("a").stop_grace_period, std::chrono::seconds(2));
}

TEST(ComposeUnits, BadValuesAreLocatedErrors) {
  EXPECT_EQ(
      testing::load_error("services:\n  a:\n    image: x\n    healthcheck:\n      interval: 10\n"),
      "compose.yml:5: services.a.healthcheck.interval: \"10\" is not a duration");
  EXPECT_EQ(testing::load_error("services:\n  a:\n    image: x\n    mem_limit: lots\n"),
            "compose.yml:4: services.a.mem_limit: \"lots\" is not a size");
}

}  // namespace
}  // namespace ollama_stack::compose
