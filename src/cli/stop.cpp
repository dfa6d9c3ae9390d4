// `ollama-stack stop`: stop and remove the stack's containers and network; volumes stay.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/cli/backend_verbs.hpp"
#include "ollama_stack/cli/extension_verbs.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/stack/whole_stack.hpp"
#include "stack_lock.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct StopOptions {
  int timeout = -1;
  int lock_timeout = 120;
  bool json = false;
  bool no_backends = false;
};

void run_stop(Context& context, const StopOptions& options) {
  LockedVerb verb(context, "stop", options.json, options.lock_timeout);
  auto& [session, lock, progress] = verb;
  const auto stopped = stack::stop_whole_stack(
      session, {options.timeout, !options.no_backends, progress.callback()});
  const auto& result = stopped.core;
  const auto& backends = stopped.backends;
  const nlohmann::json stopped_extensions = stopped.stopped_extensions;
  progress.finish();
  if (options.json) {
    write_json(context.out(), with_schema_version({{"was_running", result.was_running},
                                                   {"removed_containers", result.removed.removed_containers},
                                                   {"removed_networks", result.removed.removed_networks},
                                                   {"stopped_extensions", stopped_extensions},
                                                   {"backends", backend_outcomes_json(backends)},
                                                   {"volumes_kept", true}}));
    return fail_on_backends(context, backends);
  }
  render_backend_outcomes(context, backends);
  if (!stopped_extensions.empty()) {
    std::string names;
    for (const auto& name : stopped_extensions) names += (names.empty() ? "" : ", ") + name.get<std::string>();
    context.out() << fmt::format("Extensions stopped: {}.\n", names);
  }
  if (!result.was_running)
    context.out() << "The stack is not running; nothing to stop.\n";
  else
    context.out() << fmt::format("The stack is stopped ({} containers removed; volumes kept).\n",
                                 result.removed.removed_containers.size());
  fail_on_backends(context, backends);
}

}  // namespace

void register_stop(CLI::App& app, Context& context) {
  auto options = std::make_shared<StopOptions>();
  auto* command = app.add_subcommand("stop", "Stop the stack: containers and network removed, volumes (your data) kept");
  add_stop_timeout_option(*command, options->timeout);
  add_lock_timeout_option(*command, options->lock_timeout);
  command->add_flag("--no-backends", options->no_backends, "Leave the backends running");
  command->add_flag("--json", options->json, "Print one JSON document (schema: docs/json.md#stop)");
  command->callback([&context, options] { run_stop(context, *options); });
}

}  // namespace ollama_stack::cli
