#include "ollama_stack/cli/human_units.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace ollama_stack::cli {
namespace {

using namespace std::chrono_literals;

TEST(FormatBytes, UsesBinaryUnits) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(12'800'000), "12.2 MiB");
  EXPECT_EQ(format_bytes(512ull << 20), "512 MiB");
  EXPECT_EQ(format_bytes(1288490189), "1.2 GiB");  // 1.2 * 2^30
  EXPECT_EQ(format_bytes(4ull << 40), "4.0 TiB");
  EXPECT_EQ(format_bytes(std::numeric_limits<std::uint64_t>::max()), "16.0 EiB");
}

TEST(FormatBytes, RoundingNeverShowsTheNextUnitsWorth) {
  EXPECT_EQ(format_bytes(102'348), "99.9 KiB");
  EXPECT_EQ(format_bytes(102'390), "100 KiB");    // 99.99 KiB rounds to three digits
  EXPECT_EQ(format_bytes(1'048'575), "1.0 MiB");  // 1023.999 KiB
  EXPECT_EQ(format_bytes(1'047'552), "1023 KiB");
}

TEST(FormatDuration, PicksTwoUnits) {
  EXPECT_EQ(format_duration(0ms), "0ms");
  EXPECT_EQ(format_duration(850ms), "850ms");
  EXPECT_EQ(format_duration(999'999us), "999ms");
  EXPECT_EQ(format_duration(1s), "1.0s");
  EXPECT_EQ(format_duration(2150ms), "2.1s");
  EXPECT_EQ(format_duration(59'999ms), "59.9s");
  EXPECT_EQ(format_duration(60s), "1m 00s");
  EXPECT_EQ(format_duration(185s), "3m 05s");
  EXPECT_EQ(format_duration(3599s), "59m 59s");
  EXPECT_EQ(format_duration(7380s), "2h 03m");
  EXPECT_EQ(format_duration(24h - 1s), "23h 59m");
  EXPECT_EQ(format_duration(5 * 24h + 2h + 59min), "5d 02h");
  EXPECT_EQ(format_duration(-5s), "0ms");
}

TEST(FormatRate, IsBytesPerSecond) {
  EXPECT_EQ(format_rate(0), "0 B/s");
  EXPECT_EQ(format_rate(-1), "0 B/s");
  EXPECT_EQ(format_rate(std::numeric_limits<double>::quiet_NaN()), "0 B/s");
  EXPECT_EQ(format_rate(300), "300 B/s");
  EXPECT_EQ(format_rate(12.5 * 1024 * 1024), "12.5 MiB/s");
}

TEST(FormatPercent, TruncatesAndClamps) {
  EXPECT_EQ(format_percent(0), "0%");
  EXPECT_EQ(format_percent(0.29), "29%");
  EXPECT_EQ(format_percent(0.456), "45%");
  EXPECT_EQ(format_percent(0.999), "99%");
  EXPECT_EQ(format_percent(1), "100%");
  EXPECT_EQ(format_percent(1.7), "100%");
  EXPECT_EQ(format_percent(-0.2), "0%");
  EXPECT_EQ(format_percent(fraction_of(45, 100)), "45%");
  EXPECT_EQ(fraction_of(5, 0), 0.0);
}

}  // namespace
}  // namespace ollama_stack::cli
