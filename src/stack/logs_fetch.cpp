// `logs` against the engine: finding the stack's containers, choosing the requested ones, and
// reading their logs in parallel (merged in time order as they stream) or following them (one thread each).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>

#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/logs.hpp"
#include "ollama_stack/util/parallel.hpp"

namespace ollama_stack::stack {
namespace {


const char* kStartHint = "start it with `ollama-stack start`";

std::string label_or_empty(const engine::Labels& map, const char* key) {
  auto found = map.find(key);
  return found == map.end() ? std::string() : found->second;
}

LogLine make_line(const LogTarget& target, engine::LogStream stream, std::string_view raw) {
  const auto split = split_timestamp(raw);
  return LogLine{target.service,          target.container_name, stream,
                 std::string(split.time), split.time_ns,         std::string(split.text),
                 target.prefix};
}

// Runs read(i) for target i; an exception becomes its LogFailure unless it is the cancellation
// the caller asked for.
// Reads one container's logs into `on_raw`; what fails is that target's failure (a cancel is none).
std::optional<LogFailure> read_target(
    engine::Client& engine, const LogTarget& target, const engine::LogOptions& options,
    const std::function<bool(engine::LogStream, std::string_view)>& on_raw,
    const std::function<bool()>& cancelled) {
  try {
    engine.logs(target.container_id, options, target.tty, on_raw, cancelled);
  } catch (const engine::EngineError& error) {
    if (error.kind() == engine::EngineError::Kind::cancelled && cancelled && cancelled()) return std::nullopt;
    return LogFailure{target.service, target.container_name, error.code(), error.what()};
  } catch (const Error& error) {
    return LogFailure{target.service, target.container_name, error.code(), error.what()};
  } catch (const std::exception& error) {
    return LogFailure{target.service, target.container_name, ExitCode::failed, error.what()};
  }
  return std::nullopt;
}

std::vector<LogFailure> present(std::vector<std::optional<LogFailure>>& failures) {
  std::vector<LogFailure> result;
  for (auto& failure : failures)
    if (failure) result.push_back(std::move(*failure));
  return result;
}

}  // namespace

std::vector<LogTarget> find_log_targets(engine::Client& engine, const std::string& project) {
  const auto containers =
      engine.list_containers({{"label", {fmt::format("{}={}", labels::kProject, project)}}}, true);
  std::vector<LogTarget> targets;
  for (const auto& container : containers) {
    if (label_or_empty(container.labels, labels::kOneoff) == "True") continue;
    const auto service = label_or_empty(container.labels, labels::kService);
    if (service.empty()) continue;
    const auto inspected = engine.find_container(container.id);
    if (!inspected) continue;  // removed meanwhile
    const std::string number = label_or_empty(container.labels, labels::kContainerNumber);
    targets.push_back({service, container.id, container.name, inspected->tty, service + "-" + number});
  }
  std::sort(targets.begin(), targets.end(), [](const LogTarget& a, const LogTarget& b) {
    return std::tie(a.service, a.container_name) < std::tie(b.service, b.container_name);
  });
  // Replicas are told apart as Compose does ("web-1 |", "web-2 |"); a lone container shows its service.
  for (auto& target : targets) {
    const auto same = std::count_if(targets.begin(), targets.end(),
                                    [&](const LogTarget& other) { return other.service == target.service; });
    if (same == 1) target.prefix = target.service;
  }
  return targets;
}

std::vector<LogTarget> select_log_targets(const std::vector<LogTarget>& targets,
                                          std::vector<std::string> known,
                                          const std::vector<std::string>& requested,
                                          const std::string& project) {
  for (const auto& target : targets) known.push_back(target.service);
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());

  if (!known.empty()) {
    for (const auto& name : requested) {
      if (!std::binary_search(known.begin(), known.end(), name))
        throw Error(ExitCode::usage,
                    fmt::format("unknown service \"{}\"; the stack's services are: {}", name,
                                fmt::join(known, ", ")));
    }
  }
  if (targets.empty())
    throw Error(ExitCode::failed,
                fmt::format("the stack \"{}\" is not running: it has no containers", project),
                kStartHint);
  if (requested.empty()) return targets;

  std::vector<LogTarget> selected;
  std::set<std::string> seen;
  for (const auto& name : requested) {
    if (!seen.insert(name).second) continue;
    const auto before = selected.size();
    for (const auto& target : targets)
      if (target.service == name) selected.push_back(target);
    if (selected.size() == before)
      throw Error(ExitCode::failed,
                  fmt::format("service \"{}\" has no container in the stack \"{}\"", name, project),
                  kStartHint);
  }
  return selected;
}

std::vector<LogFailure> fetch_logs(engine::Client& engine, const std::vector<LogTarget>& targets,
                                   engine::LogOptions options, const std::function<void(const LogLine&)>& on_line,
                                   const std::function<bool()>& cancelled) {
  options.timestamps = true;  // they order the merge; the CLI strips them unless asked
  options.follow = false;
  constexpr size_t kWindow = 256;  // lines a container may have waiting before its reader pauses
  const size_t count = targets.size();
  std::mutex mutex;
  std::condition_variable changed;
  LogMerge merge(count);
  bool consumer_gone = false;
  std::vector<std::optional<LogFailure>> failures(count);
  // Tasks 0…count-1 read one container each; the last one hands the merged lines to on_line.
  util::parallel_for_each(count + 1, [&](size_t i) {
    if (i == count) {
      try {
        std::unique_lock lock(mutex);
        for (;;) {
          // Polled: a cancel comes from a signal, not from a notify.
          while (!merge.done() && !merge.ready() && !(cancelled && cancelled()))
            changed.wait_for(lock, std::chrono::milliseconds(100));
          auto line = merge.pop();
          if (!line) break;  // done, or cancelled
          lock.unlock();
          changed.notify_all();
          on_line(*line);
          lock.lock();
        }
      } catch (...) {
        std::lock_guard lock(mutex);
        consumer_gone = true;
        changed.notify_all();
        throw;
      }
      std::lock_guard lock(mutex);
      consumer_gone = true;  // readers still going have no one to read for (Ctrl-C)
      changed.notify_all();
      return;
    }
    failures[i] = read_target(
        engine, targets[i], options,
        [&](engine::LogStream stream, std::string_view raw) {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return consumer_gone || merge.waiting(i) < kWindow; });
          if (consumer_gone) return false;
          merge.push(i, make_line(targets[i], stream, raw));
          changed.notify_all();
          return true;
        },
        cancelled);
    std::lock_guard lock(mutex);
    merge.finish(i);
    changed.notify_all();
  });
  return present(failures);
}

std::vector<LogFailure> follow_logs(engine::Client& engine, const std::vector<LogTarget>& targets,
                                    engine::LogOptions options,
                                    const std::function<void(const LogLine&)>& on_line,
                                    const std::function<bool()>& cancelled) {
  options.timestamps = true;
  options.follow = true;
  std::mutex mutex;
  std::vector<std::optional<LogFailure>> failures(targets.size());
  util::parallel_for_each(targets.size(), [&](size_t i) {
    failures[i] = read_target(
        engine, targets[i], options,
        [&](engine::LogStream stream, std::string_view raw) {
          auto line = make_line(targets[i], stream, raw);
          {
            std::lock_guard lock(mutex);
            on_line(line);
          }
          return !(cancelled && cancelled());
        },
        cancelled);
  });
  return present(failures);
}

}  // namespace ollama_stack::stack
