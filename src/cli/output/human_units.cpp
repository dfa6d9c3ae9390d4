#include "ollama_stack/cli/human_units.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <string_view>

namespace ollama_stack::cli {
namespace {

constexpr std::array<std::string_view, 7> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

std::string format_scaled(double value) {
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < kUnits.size()) {
    value /= 1024.0;
    ++unit;
  }
  if (unit == 0) return fmt::format("{} B", static_cast<std::uint64_t>(value));
  // Decide the precision on the rounded value, and move up a unit if rounding reached 1024:
  // 1023.96 KiB is "1.0 MiB", not "1024 KiB".
  if (std::round(value * 10.0) / 10.0 < 100.0) return fmt::format("{:.1f} {}", value, kUnits[unit]);
  if (std::round(value) >= 1024.0 && unit + 1 < kUnits.size()) {
    return fmt::format("{:.1f} {}", value / 1024.0, kUnits[unit + 1]);
  }
  return fmt::format("{:.0f} {}", value, kUnits[unit]);
}

}  // namespace

std::string format_bytes(std::uint64_t bytes) { return format_scaled(static_cast<double>(bytes)); }

std::string format_duration(std::chrono::nanoseconds duration) {
  using namespace std::chrono;
  if (duration < nanoseconds::zero()) duration = nanoseconds::zero();
  const auto ms = duration_cast<milliseconds>(duration).count();
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60'000) return fmt::format("{}.{}s", ms / 1000, (ms % 1000) / 100);
  const auto s = ms / 1000;
  if (s < 3600) return fmt::format("{}m {:02}s", s / 60, s % 60);
  if (s < 86'400) return fmt::format("{}h {:02}m", s / 3600, (s % 3600) / 60);
  return fmt::format("{}d {:02}h", s / 86'400, (s % 86'400) / 3600);
}

std::string format_rate(double bytes_per_second) {
  if (!(bytes_per_second > 0.0)) return "0 B/s";  // also NaN
  return format_scaled(bytes_per_second) + "/s";
}

std::string format_percent(double fraction) {
  if (!(fraction > 0.0)) return "0%";
  if (fraction >= 1.0) return "100%";
  // Small epsilon so 0.29 (stored as 0.28999…) still shows 29%.
  return fmt::format("{}%", static_cast<int>(std::floor(fraction * 100.0 + 1e-9)));
}

double fraction_of(std::uint64_t current, std::uint64_t total) {
  if (total == 0) return 0.0;
  return static_cast<double>(current) / static_cast<double>(total);
}

}  // namespace ollama_stack::cli
