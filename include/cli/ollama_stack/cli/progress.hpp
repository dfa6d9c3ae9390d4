#pragma once
// Renders progress events from the layers below (pulls, container starts, health waits) on
// stderr. Every method is thread-safe: events arrive from worker threads.
//
// On a terminal (caps.is_tty) it keeps one line per task at the bottom of the screen and
// redraws them in place (cursor up + clear line): a spinner, the time it has run (from 1 s on,
// when there are no bytes to count), the message, and when the total size is known a bar,
// percentage, bytes, rate and ETA. State changes redraw at once; byte
// updates at most every 100 ms. tick() (or start_ticker()) keeps spinners moving when no
// events come.
//
// Elsewhere (pipes, CI logs) it prints one plain line per change, never per byte:
//   ollama: pulling                       start, or a new message for a running task
//   webui: starting | log: migrations (12.0s)   a new message after a second: with the time so far
//   ollama: pulling 45% (1.2 GiB / 2.6 GiB)   the first update past each 25 % step
//   webui: healthy (2.1s)                 done, with the time since it started
//   mcpo: failed: port 8000 is in use     failed
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {

enum class ProgressState { pending, running, done, failed };

class ProgressRenderer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Clock = std::function<TimePoint()>;

  // out must outlive the renderer; clock defaults to std::chrono::steady_clock::now.
  ProgressRenderer(std::ostream& out, const TerminalCaps& caps, Clock clock = {});
  ~ProgressRenderer();  // stops the ticker and calls finish()
  ProgressRenderer(const ProgressRenderer&) = delete;
  ProgressRenderer& operator=(const ProgressRenderer&) = delete;

  // Tasks are shown in the order they were first named. Any event for an unknown id adds it
  // with the id as label.
  void add(std::string_view id, std::string label);
  // Running, with what it is doing ("pulling", "starting", "waiting for health").
  void start(std::string_view id, std::string message);
  // Bytes so far and, if known, in total. Makes a pending task running; ignored once done.
  void bytes(std::string_view id, std::uint64_t current, std::optional<std::uint64_t> total);
  void done(std::string_view id, std::string message = "done");
  void fail(std::string_view id, std::string message);

  // A line of its own (a warning, say), printed above the live lines on a terminal.
  void note(std::string_view line);

  // Redraws if it is due (terminal only); call periodically to animate spinners.
  void tick();
  // Calls tick() every interval from a background thread until finish().
  void start_ticker(std::chrono::milliseconds interval = std::chrono::milliseconds(100));
  // Draws the final state and releases the lines; later events start a new block.
  void finish();

 private:
  struct Task {
    std::string id;
    std::string label;
    std::string message;
    ProgressState state = ProgressState::pending;
    TimePoint started;   // added, then reset when it starts running
    TimePoint finished;  // done or failed
    std::optional<std::uint64_t> current;
    std::optional<std::uint64_t> total;
    std::optional<TimePoint> first_sample_time;  // rate is measured from the first sample
    std::uint64_t first_sample_bytes = 0;
    int reported_quarter = 0;  // plain output: last 25 % step printed
  };

  Task& task(std::string_view id);  // finds or adds; mutex_ held
  void changed(bool state_change);
  void print_plain(const std::string& line);
  void redraw(TimePoint now);
  std::string live_line(const Task& t, TimePoint now, std::size_t label_width) const;
  std::string bytes_detail(const Task& t, TimePoint now) const;
  void stop_ticker();

  std::ostream& out_;
  TerminalCaps caps_;
  Clock clock_;
  std::mutex mutex_;
  std::vector<Task> tasks_;
  std::size_t lines_drawn_ = 0;  // live lines currently on screen
  std::optional<TimePoint> last_draw_;

  std::mutex ticker_mutex_;
  std::condition_variable ticker_cv_;
  bool ticker_stop_ = false;
  std::thread ticker_;
};

}  // namespace ollama_stack::cli
