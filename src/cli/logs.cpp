// `ollama-stack logs [SERVICE...] [-f] [--tail N] [--since T] [--until T] [--level L] [-t]
// [--no-prefix] [--json]`: the stack's container logs, several services merged in time order,
// prefixed like docker compose.
//
// Exit codes: 0 (also after Ctrl-C ends -f: following until interrupted is the normal use),
// 130 when Ctrl-C interrupts a fetch without -f (the output is incomplete), 2 for a bad argument
// or unknown service, 1 when the stack is not running or a container's logs could not be read.
// --json writes JSON Lines (one object per log line), not one document: logs are a stream.
#include "ollama_stack/stack/logs.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/log_render.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/log_level.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct LogsOptions {
  std::vector<std::string> services;
  bool follow = false;
  std::string tail = "all";
  std::string since;
  std::string until;
  std::string level;  // --level: only lines at this level or above
  bool timestamps = false;
  bool no_prefix = false;
  bool json = false;
};

engine::LogOptions engine_options(const LogsOptions& options) {
  const auto now = std::chrono::system_clock::now();
  engine::LogOptions log_options;
  log_options.tail = stack::parse_tail_argument(options.tail);
  if (!options.since.empty())
    log_options.since = stack::parse_time_argument(options.since, "--since", now);
  if (!options.until.empty())
    log_options.until = stack::parse_time_argument(options.until, "--until", now);
  return log_options;
}

// The stack's services from its compose files; none when they cannot be loaded (the containers'
// own labels then say which services exist). An unreachable engine is still an error.
std::vector<std::string> known_services(stack::Session& session) {
  std::vector<std::string> known;
  try {
    for (const auto& entry : session.project().project.services) known.push_back(entry.first);
  } catch (const engine::EngineError&) {
    throw;
  } catch (const Error& error) {
    spdlog::debug("logs: compose files not loaded ({}); using the services of the containers",
                  error.what());
  }
  return known;
}

[[noreturn]] void throw_failures(const std::vector<stack::LogFailure>& failures) {
  std::vector<std::string> parts;
  for (const auto& failure : failures)
    parts.push_back(
        fmt::format("{} ({}): {}", failure.service, failure.container, failure.message));
  throw Error(failures.front().code,
              fmt::format("could not read the logs of {}", fmt::join(parts, "; ")),
              "check `ollama-stack status`; run again with --verbose for the engine calls");
}

void run_logs(Context& context, const LogsOptions& options) {
  context.json = options.json;
  const auto log_options = engine_options(options);  // usage errors before any engine call
  const auto min_level = options.level.empty()
                             ? std::nullopt
                             : std::optional(stack::parse_log_level_argument(options.level));
  auto session = context.session();
  const auto project = session.project_name();
  const auto targets =
      stack::select_log_targets(stack::find_log_targets(session.engine(), project),
                                known_services(session), options.services, project);

  std::vector<std::string> shown;
  for (const auto& target : targets) shown.push_back(target.prefix.empty() ? target.service : target.prefix);
  const LogRenderOptions render{.prefix = !options.no_prefix,
                                .timestamps = options.timestamps,
                                .color = context.caps_out().color,
                                .prefix_width = log_prefix_width(shown)};
  JsonLinesWriter json_lines(context.out());
  auto& out = context.out();
  stack::LogLevelTracker levels;  // emit is called one line at a time, in each container's order
  auto emit = [&](const stack::LogLine& line) {
    const auto level = levels.level_of(line.container, line.text);
    if (min_level && level < *min_level) return;
    if (options.json) {
      auto object = log_line_json(line);
      object["level"] = stack::log_level_name(level);
      json_lines.write(object);
    } else {
      out << render_log_line(line, render);
      if (options.follow) out.flush();
    }
  };
  const std::function<bool()> cancelled = [] { return cancel_requested(); };

  if (options.follow) {
    const auto failures =
        stack::follow_logs(session.engine(), targets, log_options, emit, cancelled);
    out.flush();
    if (!failures.empty()) throw_failures(failures);
    return;  // every followed container stopped, or Ctrl-C: both are a normal end
  }
  // Streamed: lines are printed as they are placed in time order, so memory stays flat.
  const auto failures = stack::fetch_logs(session.engine(), targets, log_options, emit, cancelled);
  out.flush();
  if (cancel_requested()) throw Interrupted();
  if (!failures.empty()) throw_failures(failures);
}

}  // namespace

void register_logs(CLI::App& app, Context& context) {
  auto options = std::make_shared<LogsOptions>();
  auto* command =
      app.add_subcommand("logs", "Show the stack's logs, several services merged in time order");
  command->add_option("service", options->services,
                      "Services to show (default: every service with a container)");
  command->add_flag(
      "-f,--follow", options->follow,
      "Keep printing new lines until Ctrl-C (exit 0) or until every followed container stops");
  command
      ->add_option("--tail", options->tail,
                   "Lines from the end of each service's log: a number or \"all\"")
      ->default_str("all");
  command->add_option("--since", options->since,
                      "Only lines since T: RFC 3339 (2024-01-02T15:04:05Z), Unix seconds, or a "
                      "duration ago (10m, 1h30m)");
  command->add_option("--until", options->until, "Only lines before T (same forms as --since)");
  command->add_option(
      "--level", options->level,
      "Only lines at this level or above: debug, info, warn, error (a line without a level, "
      "such as a traceback, has the level of the line before it)");
  command->add_flag("-t,--timestamps", options->timestamps,
                    "Show each line's time (RFC 3339, nanoseconds)");
  command->add_flag("--no-prefix", options->no_prefix, "Do not prefix lines with the service name");
  command->add_flag("--json", options->json,
                    "JSON Lines: one object per log line (schema: docs/json.md#logs)");
  command->callback([&context, options] { run_logs(context, *options); });
}

}  // namespace ollama_stack::cli
