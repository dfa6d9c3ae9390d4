// `ollama-stack backends rm NAME`: remove a backend's containers on its engine (its volume only
// with --remove-volumes), forget it, and take it out of Open WebUI's list.
#include <fmt/format.h>

#include "confirm.hpp"
#include "ollama_stack/cli/backend_verbs.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/progress_sink.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/error.hpp"
#include "stack_lock.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct RmOptions {
  std::string name;
  bool remove_volumes = false;
  bool force = false;
  int lock_timeout = 120;
  bool json = false;
};

void run_rm(Context& context, const RmOptions& options) {
  context.json = options.json;
  if (options.remove_volumes && !options.force) {
    if (!can_ask(context))
      throw Error(ExitCode::usage,
                  fmt::format("deleting backend {}'s models volume needs a confirmation and there "
                              "is no terminal to ask on",
                              options.name),
                  "pass --force to delete it without asking");
    if (!confirm(context,
                 fmt::format("Delete backend {}'s models volume on its engine?", options.name)))
      throw Error(ExitCode::failed, "backends rm cancelled; nothing was removed");
  }
  auto session = context.session();
  auto lock = lock_stack_for(context, session, "backends rm", options.lock_timeout);
  ProgressSink progress(context, !options.json && !context.global.quiet);
  auto removal =
      stack::remove_backend(session, options.name, options.remove_volumes, progress.callback());
  bool webui_recreated = false;
  if (removal.webui_changed && stack::webui_running(session)) {
    // Open WebUI reads OLLAMA_BASE_URLS when it starts: the core is applied again without it.
    stack::StartOptions start;
    start.progress = progress.callback();
    start.cancelled = [] { return cancel_requested(); };
    webui_recreated = stack::start_stack(session, start).changed;
  }
  progress.finish();
  if (options.json) {
    write_json(
        context.out(),
        with_schema_version({{"name", removal.record.name},
                             {"engine", stack::backend_engine_text(removal.record)},
                             {"removed_containers", removal.removed.removed_containers},
                             {"removed_volumes", removal.removed.removed_volumes},
                             {"engine_unreachable", removal.unreachable.empty()
                                                        ? nlohmann::json(nullptr)
                                                        : nlohmann::json(removal.unreachable)},
                             {"webui_recreated", webui_recreated}}));
  } else {
    context.out() << fmt::format(
        "Backend {} removed ({} containers{}){}.\n", removal.record.name,
        removal.removed.removed_containers.size(),
        removal.removed.removed_volumes.empty() ? "; its models volume kept" : " and its volume",
        webui_recreated ? "; Open WebUI no longer uses it" : "");
  }
  if (!removal.unreachable.empty())
    context.err() << fmt::format(
        "warning: backend {} is forgotten, but its engine ({}) could not be reached, so its "
        "containers there may still run: {}; remove them there with `docker compose -p {} "
        "down`\n",
        removal.record.name, stack::backend_engine_text(removal.record), removal.unreachable,
        stack::backend_project_name(session.project_name(), removal.record.name));
}

}  // namespace

void register_backends_rm(CLI::App& group, Context& context) {
  auto options = std::make_shared<RmOptions>();
  auto* command = group.add_subcommand(
      "rm", "Remove a backend: its containers, its record and its place in Open WebUI");
  command->add_option("name", options->name, "The backend's name")->required();
  command->add_flag("--remove-volumes", options->remove_volumes,
                    "Also delete its models volume on its engine (asked first)");
  command->add_flag("--force", options->force, "Do not ask (needed without a terminal)");
  add_lock_timeout_option(*command, options->lock_timeout);
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#backends-rm)");
  command->callback([&context, options] { run_rm(context, *options); });
}

}  // namespace ollama_stack::cli
