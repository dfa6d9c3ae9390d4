// `ollama-stack start` and `restart`: bring the stack up (or down and up), wait for health, print
// the URLs.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/cli/backend_verbs.hpp"
#include "ollama_stack/cli/extension_verbs.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/cli/progress_sink.hpp"
#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/platform.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/stack/mcp/tool_servers.hpp"
#include "ollama_stack/stack/whole_stack.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "stack_lock.hpp"
#include "stack_verbs.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

const char* action_name(compose::ServiceAction action) {
  switch (action) {
    case compose::ServiceAction::create: return "created";
    case compose::ServiceAction::recreate: return "recreated";
    case compose::ServiceAction::start: return "started";
    default: return "unchanged";
  }
}

void render_start(Context& context, const stack::WholeStartResult& started, bool json,
                  bool restarted, const std::vector<std::string>& pulled) {
  const auto& result = started.core;
  const auto& extensions = started.extensions;
  const auto& backends = started.backends;
  if (json) {
    nlohmann::json services = nlohmann::json::array();
    for (const auto& service : result.applied.services)
      services.push_back({{"name", service.service}, {"action", action_name(service.action)},
                          {"reason", service.reason}, {"container", service.container_name}});
    nlohmann::json urls = nlohmann::json::array();
    for (const auto& url : result.urls) urls.push_back({{"service", url.service}, {"title", url.title}, {"url", url.url}});
    write_json(context.out(), with_schema_version({{"changed", result.changed},
                                                   {"restarted", restarted},
                                                   {"platform", stack::to_string(result.platform)},
                                                   {"services", services},
                                                   {"urls", urls},
                                                   {"pulled_models", pulled},
                                                   {"extensions", enabled_start_json(extensions)},
                                                   {"backends", backend_outcomes_json(backends)},
                                                   {"warnings", result.warnings}}));
    return;
  }
  Style style(context.caps_out());
  if (!result.changed && !restarted) {
    context.out() << "The stack is already running and up to date.\n";
  } else {
    context.out() << style.green(restarted ? "The stack was restarted." : "The stack is running.") << "\n";
  }
  for (const auto& url : result.urls) context.out() << fmt::format("  {:<12} {}\n", url.title, style.cyan(url.url));
  render_backend_outcomes(context, backends);
  render_enabled_start(context, extensions);
}

}  // namespace

void run_start(Context& context, const StartVerbOptions& options, bool restart) {
  context.json = options.json;
  auto session = context.session(options.platform);
  auto lock = lock_stack_for(context, session, restart ? "restart" : "start", options.lock_timeout);
  stack::ensure_home(session.home().root);  // only under the lock: a concurrent uninstall may be removing it
  ProgressSink progress(context, !options.json && !context.global.quiet);
  for (const auto& warning : session.platform().warnings) context.err() << "warning: " << warning << "\n";
  // Compose keys accepted but ignored (file:line), unset variables, obsolete keys.
  for (const auto& warning : session.project().warnings) context.err() << "warning: " << warning << "\n";

  stack::WholeStartOptions start;
  start.restart = restart;
  start.extensions = !options.no_extensions;
  start.backends = !options.no_backends;
  start.start.wait = !options.no_wait;
  start.start.timeout = std::chrono::seconds(options.timeout);
  start.start.update = options.update;
  start.start.progress = progress.callback();
  start.start.cancelled = [] { return cancel_requested(); };
  start.start.preflight = [&context, &session](const compose::Project& project) {
    refuse_port_conflicts(context, session.engine(), project);
  };
  const auto started = stack::start_whole_stack(session, start);
  progress.finish();
  if (!options.no_wait) {
    // Open WebUI may keep a list an admin saved: then say what to add there.
    if (const auto tools = stack::tool_servers_report(session); !tools.fix.empty())
      context.err() << "warning: " << tools.fix << "\n";
  }
  auto pulled = pull_after_start(context, session, options.pull, options.json);
  render_start(context, started, options.json, restart, pulled);
  fail_on_backends(context, started.backends);
}

void add_start_options(CLI::App& command, StartVerbOptions& options) {
  command
      .add_option("--platform", options.platform,
                  "cpu, nvidia, amd, apple or auto (default: detect from the engine)")
      ->check(CLI::IsMember(stack::platform_choices()));
  command.add_flag("--update", options.update, "Pull the newest images first and recreate what changed");
  command.add_flag("--no-wait", options.no_wait, "Return once the containers are started, without waiting for health");
  command
      .add_option("--timeout", options.timeout,
                  "Seconds to wait for every service to be healthy (default 600: a first start of "
                  "Open WebUI runs migrations and downloads models)")
      ->check(whole_seconds(1));
  add_lock_timeout_option(command, options.lock_timeout);
  command.add_flag("--no-extensions", options.no_extensions, "Do not start the enabled extensions");
  command.add_flag("--no-backends", options.no_backends,
                   "Do not start the backends (Open WebUI keeps the list it has)");
  command.add_flag("--json", options.json, "Print one JSON document (schema: docs/json.md#start)");
  command.add_option("--pull", options.pull, "Pull this model once the stack is healthy (repeatable; for CI smoke checks)")
      ->excludes("--no-wait");
}

void register_start(CLI::App& app, Context& context) {
  auto options = std::make_shared<StartVerbOptions>();
  auto* command = app.add_subcommand("start", "Start the stack and wait until every service is healthy");
  add_start_options(*command, *options);
  command->callback([&context, options] { run_start(context, *options, false); });
}

void register_restart(CLI::App& app, Context& context) {
  auto options = std::make_shared<StartVerbOptions>();
  auto* command = app.add_subcommand("restart", "Stop the stack, then start it again (data and secret kept)");
  add_start_options(*command, *options);
  command->callback([&context, options] { run_start(context, *options, true); });
}

}  // namespace ollama_stack::cli
