// The pure parts of `logs`: time arguments, the engine's timestamps and the time-ordered merge.
#include "ollama_stack/stack/logs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "ollama_stack/util/timestamp.hpp"

namespace ollama_stack::stack {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "123" or "123.45": the length of the number at the start of text (0 = none).
size_t number_length(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  if (pos == 0) return 0;
  if (pos < text.size() && text[pos] == '.') {
    size_t fraction = pos + 1;
    while (fraction < text.size() && is_digit(text[fraction])) ++fraction;
    if (fraction == pos + 1) return 0;
    pos = fraction;
  }
  return pos;
}

// The text is already validated; from_chars ignores the locale (stod would not).
double to_double(std::string_view number) {
  double value = 0;
  std::from_chars(number.data(), number.data() + number.size(), value);
  return value;
}

// "1h30m", "42s", "1.5h", "500ms" in seconds; nullopt when it is not such a duration.
std::optional<double> parse_duration_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  while (!text.empty()) {
    const size_t length = number_length(text);
    if (length == 0) return std::nullopt;
    const double value = to_double(text.substr(0, length));
    text.remove_prefix(length);
    if (text.starts_with("ms")) {
      total += value / 1000.0;
      text.remove_prefix(2);
    } else if (!text.empty() && (text[0] == 'h' || text[0] == 'm' || text[0] == 's')) {
      total += value * (text[0] == 'h' ? 3600.0 : text[0] == 'm' ? 60.0 : 1.0);
      text.remove_prefix(1);
    } else {
      return std::nullopt;
    }
  }
  return total;
}

}  // namespace

std::optional<int64_t> parse_rfc3339_nanos(std::string_view text) {
  const auto seconds = util::parse_rfc3339(text);  // validates the whole text; drops the fraction
  if (!seconds) return std::nullopt;
  int64_t nanos = 0;
  if (auto dot = text.find('.'); dot != std::string_view::npos) {
    int64_t scale = 100000000;
    for (size_t pos = dot + 1; pos < text.size() && is_digit(text[pos]); ++pos) {
      if (scale == 0) return std::nullopt;  // more than 9 fraction digits
      nanos += (text[pos] - '0') * scale;
      scale /= 10;
    }
  }
  return static_cast<int64_t>(seconds->time_since_epoch().count()) * 1000000000 + nanos;
}

double parse_time_argument(std::string_view text, std::string_view option,
                           std::chrono::system_clock::time_point now) {
  if (!text.empty() && number_length(text) == text.size()) return to_double(text);
  if (auto nanos = parse_rfc3339_nanos(text)) return static_cast<double>(*nanos) / 1e9;
  if (auto ago = parse_duration_seconds(text)) {
    const auto now_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    return static_cast<double>(now_ns) / 1e9 - *ago;
  }
  throw Error(
      ExitCode::usage,
      fmt::format(
          "{}: \"{}\" is not a time; expected an RFC 3339 timestamp (2024-01-02T15:04:05Z), "
          "Unix seconds (1704207845) or a duration ago (10m, 1h30m, 42s)",
          option, text));
}

std::string parse_tail_argument(std::string_view text) {
  if (text == "all") return "all";
  unsigned long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size())
    throw Error(
        ExitCode::usage,
        fmt::format("--tail: \"{}\" is not a line count; expected a number (like 100) or \"all\"",
                    text));
  return std::to_string(value);
}

TimestampedText split_timestamp(std::string_view raw) {
  TimestampedText result{{}, std::nullopt, raw};
  const auto space = raw.find(' ');
  const auto candidate = raw.substr(0, space);
  if (auto nanos = parse_rfc3339_nanos(candidate)) {
    result.time = candidate;
    result.time_ns = nanos;
    result.text = space == std::string_view::npos ? std::string_view{} : raw.substr(space + 1);
  }
  if (result.text.ends_with('\r')) result.text.remove_suffix(1);
  return result;
}

void LogMerge::push(size_t list, LogLine line) {
  auto& queue = lists_[list];
  if (line.time_ns) queue.last_key = *line.time_ns;
  queue.lines.push_back({queue.last_key, std::move(line)});
}

void LogMerge::finish(size_t list) { lists_[list].finished = true; }

std::optional<LogLine> LogMerge::pop() {
  List* next = nullptr;
  for (auto& list : lists_) {
    if (list.lines.empty()) {
      if (!list.finished) return std::nullopt;  // its next line may come first
      continue;
    }
    if (next == nullptr || list.lines.front().key < next->lines.front().key) next = &list;
  }
  if (next == nullptr) return std::nullopt;
  LogLine line = std::move(next->lines.front().line);
  next->lines.pop_front();
  return line;
}

bool LogMerge::ready() const {
  bool any = false;
  for (const auto& list : lists_) {
    if (list.lines.empty() && !list.finished) return false;
    any = any || !list.lines.empty();
  }
  return any;
}

bool LogMerge::done() const {
  return std::all_of(lists_.begin(), lists_.end(), [](const List& list) { return list.finished && list.lines.empty(); });
}

std::vector<LogLine> merge_log_lines(std::vector<std::vector<LogLine>> lists) {
  LogMerge merge(lists.size());
  for (size_t list = 0; list < lists.size(); ++list) {
    for (auto& line : lists[list]) merge.push(list, std::move(line));
    merge.finish(list);
  }
  std::vector<LogLine> merged;
  while (auto line = merge.pop()) merged.push_back(std::move(*line));
  return merged;
}

}  // namespace ollama_stack::stack
