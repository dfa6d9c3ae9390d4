// `ollama-stack extensions disable NAME`: stop it when it runs (volumes kept unless
// --remove-volumes), take it out of the MCP proxy, record it as disabled.
#include <fmt/format.h>

#include "ollama_stack/cli/extension_verbs.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "stack_lock.hpp"

namespace ollama_stack::cli {
namespace {

struct DisableVerbOptions {
  std::string name;
  bool remove_volumes = false;
  int timeout = -1;
  int lock_timeout = 120;
  bool json = false;
};

void run_disable(Context& context, const DisableVerbOptions& options) {
  LockedVerb verb(context, "extensions disable", options.json, options.lock_timeout);
  auto& [session, lock, progress] = verb;
  stack::DisableOptions disable;
  disable.remove_volumes = options.remove_volumes;
  disable.stop_timeout_seconds = options.timeout;
  disable.progress = progress.callback();
  auto result = stack::disable_extension(session, options.name, disable);
  progress.finish();
  if (options.json) {
    write_json(context.out(),
               with_schema_version({{"name", options.name},
                                    {"enabled", false},
                                    {"changed", result.changed},
                                    {"stopped", result.stopped},
                                    {"removed_containers", result.removed.removed_containers},
                                    {"removed_volumes", result.removed.removed_volumes},
                                    {"mcp", mcp_sync_json(result.mcp)}}));
    return;
  }
  if (!result.changed && !result.stopped) {
    context.out() << fmt::format("Extension {} is already disabled.\n", options.name);
    return;
  }
  context.out() << fmt::format("Extension {} is disabled{}.\n", options.name,
                               !result.stopped          ? ""
                               : options.remove_volumes ? " (stopped; its volumes removed)"
                                                        : " (stopped; its volumes kept)");
  if (auto line = mcp_sync_text(result.mcp); !line.empty()) context.out() << line << "\n";
}

}  // namespace

void register_extensions_disable(CLI::App& group, Context& context) {
  auto options = std::make_shared<DisableVerbOptions>();
  auto* command = group.add_subcommand(
      "disable",
      "Disable an extension: stopped first if it runs; its volumes stay unless --remove-volumes");
  command->add_option("name", options->name, "The extension")->required();
  command->add_flag("--remove-volumes", options->remove_volumes,
                    "Also remove the extension's volumes (its data)");
  add_stop_timeout_option(*command, options->timeout);
  add_lock_timeout_option(*command, options->lock_timeout);
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#extensions-disable)");
  command->callback([&context, options] { run_disable(context, *options); });
}

}  // namespace ollama_stack::cli
