// `ollama-stack extensions start NAME` and `restart NAME`: run an enabled extension beside the
// running stack, wait for its health, and wire it into the MCP proxy.
#include <fmt/format.h>

#include "ollama_stack/cli/extension_verbs.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "stack_lock.hpp"

namespace ollama_stack::cli {
namespace {

struct StartOptions {
  std::string name;
  bool no_wait = false;
  int timeout = 600;
  int lock_timeout = 120;
  bool json = false;
};

const char* action_name(compose::ServiceAction action) {
  switch (action) {
    case compose::ServiceAction::create:
      return "created";
    case compose::ServiceAction::recreate:
      return "recreated";
    case compose::ServiceAction::start:
      return "started";
    default:
      return "unchanged";
  }
}

void run_start(Context& context, const StartOptions& options, bool restart) {
  LockedVerb verb(context, restart ? "extensions restart" : "extensions start", options.json,
                  options.lock_timeout);
  auto& [session, lock, progress] = verb;
  stack::ExtensionStartOptions start;
  start.wait = !options.no_wait;
  start.timeout = std::chrono::seconds(options.timeout);
  start.progress = progress.callback();
  start.cancelled = [] { return cancel_requested(); };
  auto result = restart ? stack::restart_extension(session, options.name, start)
                        : stack::start_extension(session, options.name, start);
  progress.finish();
  // Open WebUI may keep a list an admin saved: then say what to add there.
  const auto tools = stack::tool_servers_report(session);
  if (!tools.fix.empty()) context.err() << "warning: " << tools.fix << "\n";
  if (options.json) {
    nlohmann::json services = nlohmann::json::array();
    for (const auto& service : result.applied.services)
      services.push_back({{"name", service.service},
                          {"action", action_name(service.action)},
                          {"container", service.container_name}});
    write_json(context.out(), with_schema_version({{"name", result.name},
                                                   {"project", result.project},
                                                   {"changed", result.applied.changed},
                                                   {"restarted", restart},
                                                   {"services", services},
                                                   {"mcp", mcp_sync_json(result.mcp)},
                                                   {"tool_servers", tool_servers_json(tools)}}));
    return;
  }
  Style style(context.caps_out());
  if (!result.applied.changed && !restart)
    context.out() << fmt::format("Extension {} is already running and up to date.\n", options.name);
  else
    context.out() << style.green(fmt::format("Extension {} is {}.", options.name,
                                             restart ? "restarted" : "running"))
                  << "\n";
  if (auto line = mcp_sync_text(result.mcp); !line.empty()) context.out() << line << "\n";
}

void add_options(CLI::App& command, StartOptions& options, const std::string& schema) {
  command.add_option("name", options.name, "The extension")->required();
  command.add_flag("--no-wait", options.no_wait,
                   "Return once its containers are started, without waiting for health");
  command
      .add_option("--timeout", options.timeout,
                  "Seconds to wait for it (and a recreated Open WebUI) to be healthy (default 600)")
      ->check(CLI::PositiveNumber);
  add_lock_timeout_option(command, options.lock_timeout);
  command.add_flag("--json", options.json,
                   "Print one JSON document (schema: docs/json.md#" + schema + ")");
}

}  // namespace

void register_extensions_start(CLI::App& group, Context& context) {
  auto options = std::make_shared<StartOptions>();
  auto* command = group.add_subcommand(
      "start",
      "Start an enabled extension beside the running stack and wire it into the MCP proxy");
  add_options(*command, *options, "extensions-start");
  command->callback([&context, options] { run_start(context, *options, false); });

  auto restart_options = std::make_shared<StartOptions>();
  auto* restart =
      group.add_subcommand("restart", "Stop an extension, then start it again (its volumes kept)");
  add_options(*restart, *restart_options, "extensions-start");
  restart->callback([&context, restart_options] { run_start(context, *restart_options, true); });
}

}  // namespace ollama_stack::cli
