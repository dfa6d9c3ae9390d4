#pragma once
// One registration function per verb (src/cli/<verb>.cpp). Each binds its flags into an options
// struct and sets the subcommand's callback to run the verb with the shared Context.
#include <CLI/CLI.hpp>

#include "ollama_stack/cli/context.hpp"

namespace ollama_stack::cli {

void register_config(CLI::App& app, Context& context);
void register_install(CLI::App& app, Context& context);
void register_start(CLI::App& app, Context& context);
void register_stop(CLI::App& app, Context& context);
void register_restart(CLI::App& app, Context& context);
void register_status(CLI::App& app, Context& context);
void register_check(CLI::App& app, Context& context);
void register_version(CLI::App& app, Context& context);
void register_logs(CLI::App& app, Context& context);
void register_extensions(CLI::App& app, Context& context);  // the group: src/cli/extensions/

}  // namespace ollama_stack::cli
