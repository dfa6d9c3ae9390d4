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
// The `models` group (src/cli/models/), which registers its own verbs.
void register_models(CLI::App& app, Context& context);
// `completion bash|zsh|fish`: walks `app` (the root, fully built) when it runs.
void register_completion(CLI::App& app, Context& context);
void register_backup(CLI::App& app, Context& context);
void register_restore(CLI::App& app, Context& context);
void register_uninstall(CLI::App& app, Context& context);
void register_cleanup(CLI::App& app, Context& context);
void register_update(CLI::App& app, Context& context);
void register_migrate(CLI::App& app, Context& context);
void register_extensions(CLI::App& app, Context& context);  // the group: src/cli/extensions/
void register_backends(CLI::App& app, Context& context);    // the group: src/cli/backends/
// Hidden `__man-page`: prints the man page generated from `app` (the root, fully built).
void register_man_page(CLI::App& app, Context& context);

}  // namespace ollama_stack::cli
