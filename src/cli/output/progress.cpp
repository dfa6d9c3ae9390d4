#include "ollama_stack/cli/progress.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/text_width.hpp"

namespace ollama_stack::cli {
namespace {

using namespace std::chrono_literals;

constexpr auto kRedrawInterval = 100ms;  // at most ~10 redraws per second

int quarter_of(std::uint64_t current, std::uint64_t total) {
  return static_cast<int>(std::min(4.0, fraction_of(current, total) * 4.0));
}

std::string with_message(const std::string& label, const std::string& message) {
  return message.empty() ? label + ":" : label + ": " + message;
}

}  // namespace

ProgressRenderer::ProgressRenderer(std::ostream& out, const TerminalCaps& caps, Clock clock)
    : out_(out),
      caps_(caps),
      clock_(clock ? std::move(clock) : [] { return std::chrono::steady_clock::now(); }) {}

ProgressRenderer::~ProgressRenderer() {
  stop_ticker();
  finish();
}

ProgressRenderer::Task& ProgressRenderer::task(std::string_view id) {
  auto it = std::find_if(tasks_.begin(), tasks_.end(), [&](const Task& t) { return t.id == id; });
  if (it != tasks_.end()) return *it;
  Task t;
  t.id = std::string(id);
  t.label = std::string(id);
  t.started = clock_();
  tasks_.push_back(std::move(t));
  return tasks_.back();
}

void ProgressRenderer::add(std::string_view id, std::string label) {
  std::lock_guard lock(mutex_);
  Task& t = task(id);
  t.label = std::move(label);
  changed(true);
}

void ProgressRenderer::start(std::string_view id, std::string message) {
  std::lock_guard lock(mutex_);
  Task& t = task(id);
  if (t.state == ProgressState::running && t.message == message) return;
  // A running task with news (a waiting service's latest log line): say for how long it runs.
  const bool was_running = t.state == ProgressState::running;
  if (!was_running) {
    t.started = clock_();
    t.current.reset();
    t.total.reset();
    t.first_sample_time.reset();
  }
  t.state = ProgressState::running;
  t.message = std::move(message);
  t.reported_quarter = 0;  // a new phase ("extracting" after "pulling") reports its own steps
  if (!caps_.is_tty) {
    const auto elapsed = clock_() - t.started;
    print_plain(
        was_running && elapsed >= std::chrono::seconds(1)
            ? fmt::format("{} ({})", with_message(t.label, t.message), format_duration(elapsed))
            : with_message(t.label, t.message));
  }
  changed(true);
}

void ProgressRenderer::bytes(std::string_view id, std::uint64_t current,
                             std::optional<std::uint64_t> total) {
  std::lock_guard lock(mutex_);
  Task& t = task(id);
  if (t.state == ProgressState::done || t.state == ProgressState::failed) return;
  const bool state_change = t.state == ProgressState::pending;
  if (state_change) {
    t.state = ProgressState::running;
    t.started = clock_();
  }
  if (!t.first_sample_time || (t.current && current < *t.current)) {
    t.first_sample_time = clock_();  // first sample, or the counter restarted
    t.first_sample_bytes = current;
  }
  t.current = current;
  t.total = total;
  if (!caps_.is_tty && total && *total > 0) {
    const int q = quarter_of(current, *total);
    if (q > t.reported_quarter) {
      t.reported_quarter = q;
      print_plain(fmt::format("{} {} ({} / {})", with_message(t.label, t.message),
                              format_percent(fraction_of(current, *total)), format_bytes(current),
                              format_bytes(*total)));
    }
  }
  changed(state_change);
}

void ProgressRenderer::done(std::string_view id, std::string message) {
  std::lock_guard lock(mutex_);
  Task& t = task(id);
  if (t.state == ProgressState::done && t.message == message) return;
  t.state = ProgressState::done;
  t.message = std::move(message);
  t.finished = clock_();
  if (!caps_.is_tty) {
    print_plain(fmt::format("{} ({})", with_message(t.label, t.message),
                            format_duration(t.finished - t.started)));
  }
  changed(true);
}

void ProgressRenderer::fail(std::string_view id, std::string message) {
  std::lock_guard lock(mutex_);
  Task& t = task(id);
  if (t.state == ProgressState::failed && t.message == message) return;
  t.state = ProgressState::failed;
  t.message = std::move(message);
  t.finished = clock_();
  if (!caps_.is_tty) print_plain(with_message(t.label, "failed: " + t.message));
  changed(true);
}

void ProgressRenderer::note(std::string_view line) {
  std::lock_guard lock(mutex_);
  if (!caps_.is_tty || lines_drawn_ == 0) {
    print_plain(std::string(line));
    return;
  }
  // Overwrite the first live line with the note, then draw the live lines again below it.
  out_ << fmt::format("\x1b[{}A\r\x1b[2K", lines_drawn_) << line << '\n';
  lines_drawn_ = 0;
  redraw(clock_());
}

void ProgressRenderer::tick() {
  std::lock_guard lock(mutex_);
  if (!caps_.is_tty || lines_drawn_ == 0) return;
  const auto now = clock_();
  if (last_draw_ && now - *last_draw_ < kRedrawInterval) return;
  redraw(now);
}

void ProgressRenderer::start_ticker(std::chrono::milliseconds interval) {
  std::lock_guard lock(ticker_mutex_);
  if (ticker_.joinable() || !caps_.is_tty) return;
  ticker_stop_ = false;
  ticker_ = std::thread([this, interval] {
    std::unique_lock wait_lock(ticker_mutex_);
    while (!ticker_cv_.wait_for(wait_lock, interval, [this] { return ticker_stop_; })) {
      wait_lock.unlock();
      tick();
      wait_lock.lock();
    }
  });
}

void ProgressRenderer::stop_ticker() {
  {
    std::lock_guard lock(ticker_mutex_);
    ticker_stop_ = true;
  }
  ticker_cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void ProgressRenderer::finish() {
  stop_ticker();
  std::lock_guard lock(mutex_);
  if (caps_.is_tty && lines_drawn_ > 0) redraw(clock_());
  lines_drawn_ = 0;
  last_draw_.reset();
  tasks_.clear();
}

void ProgressRenderer::changed(bool state_change) {
  if (!caps_.is_tty) return;
  const auto now = clock_();
  if (!state_change && last_draw_ && now - *last_draw_ < kRedrawInterval) return;
  redraw(now);
}

void ProgressRenderer::print_plain(const std::string& line) {
  out_ << line << '\n';
  out_.flush();
}

void ProgressRenderer::redraw(TimePoint now) {
  std::size_t label_width = 0;
  for (const auto& t : tasks_) label_width = std::max(label_width, display_width(t.label));
  std::string frame;
  if (lines_drawn_ > 0) frame += fmt::format("\x1b[{}A", lines_drawn_);
  for (const auto& t : tasks_) {
    frame += "\r\x1b[2K";
    frame += live_line(t, now, label_width);
    frame += '\n';
  }
  out_ << frame;
  out_.flush();
  lines_drawn_ = tasks_.size();
  last_draw_ = now;
}

}  // namespace ollama_stack::cli
