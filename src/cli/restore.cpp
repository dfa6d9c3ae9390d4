// `ollama-stack restore PATH`: check the backup completely, then put config (and volumes) back.
#include "ollama_stack/stack/backup/restore.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "confirm.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/progress_sink.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/error.hpp"
#include "stack_lock.hpp"
#include "stack_verbs.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct RestoreVerbOptions {
  std::string path;
  bool include_volumes = false;
  bool validate_only = false;
  bool force = false;
  int timeout = 300;
  int lock_timeout = 120;
  bool json = false;
};

void render(Context& context, const stack::RestoreResult& result, const RestoreVerbOptions& options) {
  const auto& manifest = result.manifest;
  if (options.json) {
    write_json(context.out(), with_schema_version({{"path", options.path},
                                                   {"valid", true},
                                                   {"validated_only", result.validated_only},
                                                   {"compressed", result.compressed},
                                                   {"project", manifest.project},
                                                   {"created_at", manifest.created_at},
                                                   {"files", manifest.files.size()},
                                                   {"volumes_in_backup", manifest.volumes.size()},
                                                   {"restored_files", result.restored_files},
                                                   {"restored_volumes", result.restored_volumes},
                                                   {"was_running", result.was_running},
                                                   {"restarted", result.was_running},
                                                   {"warnings", result.warnings}}));
    return;
  }
  for (const auto& warning : result.warnings) context.err() << "warning: " << warning << "\n";
  if (result.validated_only) {
    context.out() << fmt::format("Backup {} is valid: {} files and {} volumes match their checksums (made {} for {}).\n",
                                 options.path, manifest.files.size(), manifest.volumes.size(), manifest.created_at,
                                 manifest.project);
    return;
  }
  context.out() << fmt::format("Restored {} config files", result.restored_files.size());
  if (!result.restored_volumes.empty()) context.out() << fmt::format(" and {} volumes", result.restored_volumes.size());
  context.out() << fmt::format(" from {}.\n", options.path);
  for (const auto& volume : result.restored_volumes) context.out() << "  volume " << volume << "\n";
  if (result.was_running) context.out() << "The stack was running; it was stopped for the restore and started again.\n";
  if (!options.include_volumes && !manifest.volumes.empty())
    context.out() << "The backup also holds volumes; add --include-volumes to restore them.\n";
}

void run_restore(Context& context, const RestoreVerbOptions& options) {
  context.json = options.json;
  auto session = context.session();
  ProgressSink progress(context, !options.json && !context.global.quiet);
  stack::RestoreOptions restore;
  restore.include_volumes = options.include_volumes;
  restore.validate_only = options.validate_only;
  restore.progress = progress.callback();
  restore.cancelled = [] { return cancel_requested(); };
  restore.start_timeout = std::chrono::seconds(options.timeout);
  restore.preflight = [&context, &session](const compose::Project& project) {
    refuse_port_conflicts(context, session.engine(), project);
  };
  restore.confirm_stop = [&](const std::string& project) {
    if (options.force) return true;
    if (!can_ask(context))
      throw Error(ExitCode::usage, fmt::format("the stack {} is running and restore must stop it, but there is no terminal to ask on", project),
                  "pass --force to let restore stop (and afterwards restart) it");
    progress.finish();
    return confirm(context, fmt::format("The stack {} is running. Stop it, restore, and start it again?", project));
  };
  if (options.validate_only) {
    render(context, stack::restore_backup(session, options.path, restore), options);
    return;
  }
  auto lock = lock_stack_for(context, session, "restore", options.lock_timeout);
  auto result = stack::restore_backup(session, options.path, restore);
  progress.finish();
  render(context, result, options);
}

}  // namespace

void register_restore(CLI::App& app, Context& context) {
  auto options = std::make_shared<RestoreVerbOptions>();
  auto* command = app.add_subcommand("restore", "Check a backup, then restore the config (and volumes) from it");
  command->add_option("path", options->path, "The backup: a directory or .tar.gz written by `ollama-stack backup`")->required();
  command->add_flag("--include-volumes", options->include_volumes, "Also restore the volumes (replaces their content)");
  command->add_flag("--validate-only", options->validate_only, "Only check the manifest and every checksum; change nothing");
  command->add_flag("--force", options->force, "Stop a running stack without asking");
  command->add_option("--timeout", options->timeout, "Seconds to wait for health when restarting (default 300)")
      ->check(whole_seconds(1));
  add_lock_timeout_option(*command, options->lock_timeout);
  command->add_flag("--json", options->json, "Print one JSON document (schema: docs/json.md#restore)");
  command->callback([&context, options] { run_restore(context, *options); });
}

}  // namespace ollama_stack::cli
