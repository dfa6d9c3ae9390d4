// `ollama-stack extensions enable NAME`: record the extension as enabled in .ollama-stack.json.
#include <fmt/format.h>

#include "ollama_stack/cli/extension_verbs.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "stack_lock.hpp"

namespace ollama_stack::cli {
namespace {

struct EnableOptions {
  std::string name;
  int lock_timeout = 120;
  bool json = false;
};

void run_enable(Context& context, const EnableOptions& options) {
  context.json = options.json;
  auto session = context.session();
  auto lock = lock_stack_for(context, session, "extensions enable", options.lock_timeout);
  auto result = stack::enable_extension(session, options.name);
  if (options.json) {
    write_json(context.out(),
               with_schema_version(
                   {{"name", options.name}, {"enabled", true}, {"changed", result.changed}}));
    return;
  }
  if (!result.changed)
    context.out() << fmt::format("Extension {} is already enabled.\n", options.name);
  else
    context.out() << fmt::format(
        "Extension {} is enabled. Start it with `ollama-stack extensions start {}` (or with "
        "the stack: `ollama-stack start`).\n",
        options.name, options.name);
}

}  // namespace

void register_extensions_enable(CLI::App& group, Context& context) {
  auto options = std::make_shared<EnableOptions>();
  auto* command = group.add_subcommand(
      "enable", "Enable an extension: `start` starts it with the stack from now on");
  command->add_option("name", options->name, "The extension")->required();
  add_lock_timeout_option(*command, options->lock_timeout);
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#extensions-enable)");
  command->callback([&context, options] { run_enable(context, *options); });
}

}  // namespace ollama_stack::cli
