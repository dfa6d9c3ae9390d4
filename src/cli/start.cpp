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
#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/parallel.hpp"
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

void render_start(Context& context, const stack::StartResult& result, bool json, bool restarted,
                  const std::vector<std::string>& pulled,
                  const std::optional<stack::EnabledStartReport>& extensions,
                  const std::vector<stack::BackendOutcome>& backends) {
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

// The core and every backend at once; then Open WebUI's OLLAMA_BASE_URLS becomes the core's
// Ollama and every healthy backend, and the core is applied again (recreating only Open WebUI)
// when that list changed.
std::pair<stack::StartResult, std::vector<stack::BackendOutcome>> start_with_backends(
    stack::Session& session, const stack::StartOptions& options, bool with_backends) {
  if (!with_backends) return {stack::start_stack(session, options), {}};
  const auto backends = stack::recorded_backends(session.home());
  const std::string core_project = session.project().project.name;  // loaded before the threads
  stack::StartResult result;
  std::vector<stack::BackendOutcome> outcomes;
  util::parallel_for_each(2, [&](size_t task) {
    if (task == 0) {
      result = stack::start_stack(session, options);
    } else if (!backends.empty()) {
      outcomes = stack::start_backends(
          session.options(), core_project, backends,
          {options.wait, options.timeout, options.update, options.progress, options.cancelled});
    }
  });
  if (stack::record_webui_backends(session.home(), outcomes)) {
    session.reload_project();
    const auto again = stack::start_stack(session, options);
    result.changed = result.changed || again.changed;
    for (const auto& service : again.applied.services)
      for (auto& first : result.applied.services)
        if (first.service == service.service && service.action != compose::ServiceAction::none)
          first = service;
    result.urls = again.urls;
  }
  return {std::move(result), std::move(outcomes)};
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

  if (restart) {
    stack::ExtensionStopOptions extension_stop;
    extension_stop.restart_proxy = false;  // the proxy stops with the core
    extension_stop.progress = progress.callback();
    stack::stop_all_extensions(session, extension_stop);
    stack::StopOptions stop_options;
    stop_options.progress = progress.callback();
    stack::stop_stack(session, stop_options);
  }
  // The MCP config lists what will run before the core starts, so Open WebUI is created once with
  // its final tool servers (a corrupt or empty config stops the start here, nothing changed).
  stack::write_wired_config(session, options.no_extensions ? std::vector<stack::WiredServer>{}
                                                           : stack::planned_wired_servers(session));
  stack::StartOptions start_options;
  start_options.wait = !options.no_wait;
  start_options.timeout = std::chrono::seconds(options.timeout);
  start_options.update = options.update;
  start_options.progress = progress.callback();
  start_options.cancelled = [] { return cancel_requested(); };
  start_options.preflight = [&context, &session](const compose::Project& project) {
    refuse_port_conflicts(context, session.engine(), project);
  };
  auto [result, backends] = start_with_backends(session, start_options, !options.no_backends);
  std::optional<stack::EnabledStartReport> extensions;
  if (!options.no_extensions) {
    stack::ExtensionStartOptions extension_start;
    extension_start.wait = !options.no_wait;
    extension_start.timeout = start_options.timeout;
    extension_start.progress = start_options.progress;
    extension_start.cancelled = start_options.cancelled;
    extensions = stack::start_enabled_extensions(session, extension_start);
  }
  progress.finish();
  if (!options.no_wait) {
    // Open WebUI may keep a list an admin saved: then say what to add there.
    if (const auto tools = stack::tool_servers_report(session); !tools.fix.empty())
      context.err() << "warning: " << tools.fix << "\n";
  }
  auto pulled = pull_after_start(context, session, options.pull, options.json);
  render_start(context, result, options.json, restart, pulled, extensions, backends);
  fail_on_backends(context, backends);
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
