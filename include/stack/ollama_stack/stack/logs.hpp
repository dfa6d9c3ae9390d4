#pragma once
// The data side of `logs`: which containers to read, time arguments, the engine's timestamps,
// fetching (in parallel) or following (one thread per container) and merging in time order.
// Nothing here prints; the CLI renders the LogLine values.
#include <chrono>
#include <cstdint>
#include <deque>
#include <limits>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {

// One container whose logs are read.
struct LogTarget {
  std::string service;
  std::string container_id;
  std::string container_name;
  bool tty = false;  // Config.Tty: the engine sends a raw stream
  // What the line prefix shows: the service, or "service-N" when it runs several replicas.
  std::string prefix;
};

struct LogLine {
  std::string service;
  std::string container;  // name
  engine::LogStream stream = engine::LogStream::stdout_;
  std::string time;                // RFC3339Nano as the engine wrote it; "" when the line had none
  std::optional<int64_t> time_ns;  // nanoseconds since the Unix epoch, for ordering
  std::string text;
  std::string prefix;  // the target's prefix
};

// A container whose logs could not be read; the others are still shown.
struct LogFailure {
  std::string service;
  std::string container;
  ExitCode code = ExitCode::failed;
  std::string message;
};

// --since / --until: an RFC 3339 timestamp (2024-01-02T15:04:05Z, fraction and offset allowed),
// Unix seconds (1704207845 or 1704207845.5), or a duration before `now` (10m, 1h30m, 42s, 1.5h,
// 500ms). Returns Unix seconds, as the engine wants them. Throws Error(usage) naming `option`.
double parse_time_argument(std::string_view text, std::string_view option,
                           std::chrono::system_clock::time_point now);

// --tail: "all" or a non-negative integer. Throws Error(usage).
std::string parse_tail_argument(std::string_view text);

// An RFC 3339 timestamp with up to 9 fraction digits as nanoseconds since the epoch.
std::optional<int64_t> parse_rfc3339_nanos(std::string_view text);

// A line the engine sent with timestamps=1: "<RFC3339Nano> <text>". When the line does not start
// with a timestamp, `time` is empty and `text` is the whole line. A trailing '\r' (TTY output) is
// dropped from the text.
struct TimestampedText {
  std::string_view time;
  std::optional<int64_t> time_ns;
  std::string_view text;
};
TimestampedText split_timestamp(std::string_view raw);

// Merges several containers' lines into one stream in time order while they arrive, holding only
// the lines that cannot be placed yet. Each container's own order (the order the engine sent) is
// kept; across containers the earlier timestamp goes first, equal ones in list order; a line
// without a timestamp goes with the line before it in its list.
class LogMerge {
 public:
  explicit LogMerge(size_t lists) : lists_(lists) {}
  void push(size_t list, LogLine line);
  void finish(size_t list);  // no more lines will come for `list`
  // The next line, once it is known: every list that is not finished has a line waiting.
  std::optional<LogLine> pop();
  bool ready() const;  // pop() would give a line
  size_t waiting(size_t list) const { return lists_[list].lines.size(); }
  bool done() const;  // every list finished and drained

 private:
  struct Queued {
    int64_t key;
    LogLine line;
  };
  struct List {
    std::deque<Queued> lines;
    int64_t last_key = std::numeric_limits<int64_t>::min();
    bool finished = false;
  };
  std::vector<List> lists_;
};

// All of each list through a LogMerge (for tests and small inputs).
std::vector<LogLine> merge_log_lines(std::vector<std::vector<LogLine>> lists);

// The containers of `project` (one-off containers excluded), ordered by service then name,
// with their TTY setting.
std::vector<LogTarget> find_log_targets(engine::Client& engine, const std::string& project);

// Which targets to read: every target when `requested` is empty, else the targets of the
// requested services in the order given (duplicates ignored). `known` are the stack's services
// (from the compose files; the targets' services are added). Throws Error(usage) for an unknown
// name listing the valid ones, Error(failed) with the start hint when nothing runs.
std::vector<LogTarget> select_log_targets(const std::vector<LogTarget>& targets,
                                          std::vector<std::string> known,
                                          const std::vector<std::string>& requested,
                                          const std::string& project);

// Reads the logs of every target (without follow) in parallel and calls on_line (on one thread,
// one line at a time) with every line in time order as soon as it can be placed: a few hundred
// lines per container wait in memory at most, whatever the size of the logs. Timestamps are
// always requested from the engine (they order the merge). Returns the containers whose logs
// could not be read; what on_line throws ends the reading and is rethrown.
std::vector<LogFailure> fetch_logs(engine::Client& engine, const std::vector<LogTarget>& targets,
                                   engine::LogOptions options, const std::function<void(const LogLine&)>& on_line,
                                   const std::function<bool()>& cancelled);

// Follows every target, one thread each, calling on_line (from those threads, one call at a time)
// as lines arrive, until every stream ends (its container stopped) or `cancelled` turns true.
// Ending because of `cancelled` is not a failure.
std::vector<LogFailure> follow_logs(engine::Client& engine, const std::vector<LogTarget>& targets,
                                    engine::LogOptions options,
                                    const std::function<void(const LogLine&)>& on_line,
                                    const std::function<bool()>& cancelled);

}  // namespace ollama_stack::stack
