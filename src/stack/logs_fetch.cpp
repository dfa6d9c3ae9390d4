// `logs` against the engine: finding the stack's containers, choosing the requested ones, and
// reading their logs in parallel (merged afterwards) or following them (one thread each).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/logs.hpp"

namespace ollama_stack::stack {
namespace {

namespace labels = compose::labels;

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

// Runs read(target) for every target on its own thread; an exception becomes a LogFailure
// unless it is the cancellation the caller asked for.
std::vector<LogFailure> for_each_target(const std::vector<LogTarget>& targets,
                                        const std::function<void(size_t)>& read,
                                        const std::function<bool()>& cancelled) {
  std::vector<std::optional<LogFailure>> failures(targets.size());
  std::vector<std::thread> threads;
  threads.reserve(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    threads.emplace_back([&, i] {
      const auto& target = targets[i];
      try {
        read(i);
      } catch (const engine::EngineError& error) {
        if (error.kind() == engine::EngineError::Kind::cancelled && cancelled && cancelled())
          return;
        failures[i] = LogFailure{target.service, target.container_name, error.code(), error.what()};
      } catch (const Error& error) {
        failures[i] = LogFailure{target.service, target.container_name, error.code(), error.what()};
      } catch (const std::exception& error) {
        failures[i] =
            LogFailure{target.service, target.container_name, ExitCode::failed, error.what()};
      }
    });
  }
  for (auto& thread : threads) thread.join();
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

LogFetchResult fetch_logs(engine::Client& engine, const std::vector<LogTarget>& targets,
                          engine::LogOptions options, const std::function<bool()>& cancelled) {
  options.timestamps = true;  // they order the merge; the CLI strips them unless asked
  options.follow = false;
  std::vector<std::vector<LogLine>> lists(targets.size());
  LogFetchResult result;
  result.failures = for_each_target(
      targets,
      [&](size_t i) {
        engine.logs(
            targets[i].container_id, options, targets[i].tty,
            [&](engine::LogStream stream, std::string_view raw) {
              lists[i].push_back(make_line(targets[i], stream, raw));
              return true;
            },
            cancelled);
      },
      cancelled);
  result.lines = merge_log_lines(std::move(lists));
  return result;
}

std::vector<LogFailure> follow_logs(engine::Client& engine, const std::vector<LogTarget>& targets,
                                    engine::LogOptions options,
                                    const std::function<void(const LogLine&)>& on_line,
                                    const std::function<bool()>& cancelled) {
  options.timestamps = true;
  options.follow = true;
  std::mutex mutex;
  return for_each_target(
      targets,
      [&](size_t i) {
        engine.logs(
            targets[i].container_id, options, targets[i].tty,
            [&](engine::LogStream stream, std::string_view raw) {
              auto line = make_line(targets[i], stream, raw);
              {
                std::lock_guard lock(mutex);
                on_line(line);
              }
              return !(cancelled && cancelled());
            },
            cancelled);
      },
      cancelled);
}

}  // namespace ollama_stack::stack
