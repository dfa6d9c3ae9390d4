// `ollama-stack extensions stop NAME`: stop and remove the extension's containers (the core is
// never touched) and take it out of the MCP proxy. Volumes stay.
#include <fmt/format.h>

#include "ollama_stack/cli/extension_verbs.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/progress_sink.hpp"
#include "stack_lock.hpp"

namespace ollama_stack::cli {
namespace {

struct StopOptions {
  std::string name;
  int timeout = -1;
  int lock_timeout = 120;
  bool json = false;
};

void run_stop(Context& context, const StopOptions& options) {
  context.json = options.json;
  auto session = context.session();
  auto lock = lock_stack_for(context, session, "extensions stop", options.lock_timeout);
  // A name that is neither installed nor running is a mistake worth saying.
  const auto overview = stack::extensions_overview(session);
  bool known = false;
  for (const auto& status : overview.extensions) known = known || status.name == options.name;
  if (!known) stack::require_extension(overview.catalog, options.name);
  ProgressSink progress(context, !options.json && !context.global.quiet);
  stack::ExtensionStopOptions stop;
  stop.stop_timeout_seconds = options.timeout;
  stop.progress = progress.callback();
  auto result = stack::stop_extension(session, options.name, stop);
  progress.finish();
  if (options.json) {
    write_json(context.out(),
               with_schema_version({{"name", options.name},
                                    {"was_running", result.was_running},
                                    {"removed_containers", result.removed.removed_containers},
                                    {"removed_networks", result.removed.removed_networks},
                                    {"volumes_kept", true},
                                    {"mcp", mcp_sync_json(result.mcp)}}));
    return;
  }
  if (!result.was_running && result.removed.removed_containers.empty())
    context.out() << fmt::format("Extension {} is not running; nothing to stop.\n", options.name);
  else
    context.out() << fmt::format("Extension {} is stopped ({} containers removed; volumes kept).\n",
                                 options.name, result.removed.removed_containers.size());
  if (auto line = mcp_sync_text(result.mcp); !line.empty()) context.out() << line << "\n";
}

}  // namespace

void register_extensions_stop(CLI::App& group, Context& context) {
  auto options = std::make_shared<StopOptions>();
  auto* command = group.add_subcommand(
      "stop", "Stop an extension: its containers removed (the stack untouched), its volumes kept");
  command->add_option("name", options->name, "The extension")->required();
  add_stop_timeout_option(*command, options->timeout);
  add_lock_timeout_option(*command, options->lock_timeout);
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#extensions-stop)");
  command->callback([&context, options] { run_stop(context, *options); });
}

}  // namespace ollama_stack::cli
