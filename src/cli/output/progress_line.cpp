// How one task looks on a terminal: the live line ProgressRenderer redraws.
//   ⠹ ollama  pulling  █████████░░░░░░░░░░░  45%  1.2 GiB / 2.6 GiB  24.0 MiB/s  ETA 1m 00s
//   ✓ webui   healthy (2.1s)
//   ✗ mcpo    failed: port 8000 is in use
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/progress.hpp"
#include "ollama_stack/cli/text_width.hpp"

namespace ollama_stack::cli {
namespace {

using namespace std::chrono_literals;

constexpr auto kSpinnerFrame = 100ms;
constexpr auto kMinRateWindow = 500ms;  // a rate over less time is mostly noise
constexpr std::size_t kBarCells = 20;

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out.append(s);
  return out;
}

}  // namespace

std::string ProgressRenderer::bytes_detail(const Task& t, TimePoint now) const {
  if (!t.current) return {};
  const std::uint64_t current = *t.current;
  std::string out;
  const bool sized = t.total && *t.total > 0;
  if (sized) {
    const Glyphs& g = glyphs(caps_.unicode);
    const double fraction = std::min(1.0, fraction_of(current, *t.total));
    const auto filled = static_cast<std::size_t>(std::floor(fraction * kBarCells));
    out = fmt::format("{}{} {}  {} / {}", repeat(g.bar_full, filled),
                      repeat(g.bar_empty, kBarCells - filled),
                      pad_to_width(format_percent(fraction), 4, Align::right),
                      format_bytes(current), format_bytes(*t.total));
  } else {
    out = format_bytes(current);
  }
  if (t.first_sample_time && now - *t.first_sample_time >= kMinRateWindow &&
      current > t.first_sample_bytes) {
    const double seconds = std::chrono::duration<double>(now - *t.first_sample_time).count();
    const double rate = static_cast<double>(current - t.first_sample_bytes) / seconds;
    out = fmt::format("{}  {}", out, format_rate(rate));
    if (sized && *t.total > current) {
      const double eta = static_cast<double>(*t.total - current) / rate;
      out = fmt::format("{}  ETA {}", out,
                        format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::duration<double>(eta))));
    }
  }
  return out;
}

std::string ProgressRenderer::live_line(const Task& t, TimePoint now,
                                        std::size_t label_width) const {
  const Glyphs& g = glyphs(caps_.unicode);
  const Style style(caps_);
  std::string glyph;
  std::string detail;
  switch (t.state) {
    case ProgressState::pending:
      glyph = style.dim(g.pending);
      detail = style.dim("waiting");
      break;
    case ProgressState::running: {
      const auto frame = static_cast<std::size_t>((now - t.started) / kSpinnerFrame);
      glyph = style.cyan(g.spinner[frame % g.spinner.size()]);
      detail = t.message;
      const std::string bytes = bytes_detail(t, now);
      if (!bytes.empty()) detail = detail.empty() ? bytes : fmt::format("{}  {}", detail, bytes);
      // Without bytes to count, how long it has been running is the news (a slow start).
      if (bytes.empty() && now - t.started >= std::chrono::seconds(1)) {
        const std::string elapsed = style.dim(fmt::format(
            "({})", format_duration(std::chrono::floor<std::chrono::seconds>(now - t.started))));
        detail = detail.empty() ? elapsed : fmt::format("{} {}", elapsed, detail);
      }
      break;
    }
    case ProgressState::done:
      glyph = style.green(g.ok);
      detail = style.dim(fmt::format("({})", format_duration(t.finished - t.started)));
      if (!t.message.empty()) detail = fmt::format("{} {}", t.message, detail);
      break;
    case ProgressState::failed:
      glyph = style.red(g.failed);
      detail = style.red(fmt::format("failed: {}", t.message));
      break;
  }
  std::string line = fmt::format("{} {}", glyph, pad_to_width(t.label, label_width));
  if (!detail.empty()) line = fmt::format("{}  {}", line, detail);
  // A line wider than the screen would wrap and break the cursor-up arithmetic; keep the last
  // column free too, since some terminals wrap as soon as it is written.
  if (caps_.width > 1) {
    line = truncate_to_width(line, static_cast<std::size_t>(caps_.width - 1), g.ellipsis);
  }
  return line;
}

}  // namespace ollama_stack::cli
