// `ollama-stack cleanup`: remove what this installation left lying around (stopped and orphaned
// containers, interrupted helpers, unused networks, `.partial` backups, on request unused volumes)
// after listing each thing and asking.
#include "ollama_stack/stack/cleanup/cleanup.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "confirm.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/progress_sink.hpp"
#include "ollama_stack/stack/uninstall.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/error.hpp"
#include "stack_lock.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct CleanupVerbOptions {
  bool remove_volumes = false;
  bool dry_run = false;
  bool force = false;
  std::string backup_dir = ".";
  int lock_timeout = 120;
  bool json = false;
};

void print_plan(Context& context, const stack::CleanupPlan& plan) {
  auto& out = context.out();
  out << fmt::format("Installation {}:\n", plan.installation);
  for (const auto& item : plan.items)
    out << fmt::format("  {:<15}{}{}: {}\n", to_string(item.kind), item.name,
                       item.id.empty() ? "" : " (" + item.id.substr(0, 12) + ")", item.reason);
  if (plan.items.empty()) out << "  nothing to clean up\n";
  for (const auto& item : plan.kept)
    out << fmt::format("  kept {} {}: {}\n", to_string(item.kind), item.name, item.reason);
  for (const auto& warning : plan.warnings) context.err() << "warning: " << warning << "\n";
}

nlohmann::json item_json(const stack::CleanupItem& item) {
  return {{"kind", to_string(item.kind)},
          {"name", item.name},
          {"id", item.id.empty() ? nlohmann::json() : nlohmann::json(item.id)},
          {"reason", item.reason}};
}

// `outcomes` is empty on a dry run (or when nothing was tried).
void write_result(Context& context, const stack::CleanupPlan& plan,
                  const CleanupVerbOptions& options,
                  const std::vector<stack::RemovalOutcome>& outcomes) {
  nlohmann::json items = nlohmann::json::array(), kept = nlohmann::json::array();
  size_t removed = 0, failed = 0;
  for (size_t i = 0; i < plan.items.size(); ++i) {
    auto entry = item_json(plan.items[i]);
    const bool done = i < outcomes.size() && outcomes[i].removed;
    entry["removed"] = done;
    if (i < outcomes.size() && !done) entry["error"] = outcomes[i].error, ++failed;
    removed += done;
    items.push_back(std::move(entry));
  }
  for (const auto& item : plan.kept) kept.push_back(item_json(item));
  write_json(context.out(), with_schema_version({{"installation", plan.installation},
                                                 {"dry_run", options.dry_run},
                                                 {"remove_volumes", options.remove_volumes},
                                                 {"items", items},
                                                 {"kept", kept},
                                                 {"warnings", plan.warnings},
                                                 {"removed_count", removed},
                                                 {"failed_count", failed}}));
  context.json = false;  // the one document is out; an error after it goes to stderr only
}

void confirm_plan(Context& context, const stack::CleanupPlan& plan,
                  const CleanupVerbOptions& options) {
  if (options.force) return;
  if (!can_ask(context))
    throw Error(
        ExitCode::usage,
        fmt::format("cleanup of {} needs a confirmation and there is no terminal to ask on",
                    plan.installation),
        "pass --force to remove the listed items without asking (or --dry-run to only list them)");
  if (!confirm(context, fmt::format("Remove the {} items listed above?", plan.items.size())))
    throw Error(ExitCode::failed, "cleanup cancelled; nothing was removed");
}

void run_cleanup(Context& context, const CleanupVerbOptions& options) {
  context.json = options.json;
  auto session = context.session();
  // Under the lock even for a dry run: a backup or start under way has helpers and folders that
  // would look like leftovers.
  const bool had_home = std::filesystem::exists(session.home().root);
  auto lock = lock_stack_for(context, session, "cleanup", options.lock_timeout);
  stack::CleanupOptions cleanup;
  cleanup.remove_volumes = options.remove_volumes;
  cleanup.backup_dir = options.backup_dir;
  const auto plan = stack::plan_cleanup(session, cleanup);
  if (!had_home) stack::remove_empty_home(session.home());  // made only to hold the lock
  if (!options.json && !(context.global.quiet && options.force)) print_plan(context, plan);
  if (options.dry_run || plan.items.empty()) {
    if (options.json)
      write_result(context, plan, options, {});
    else if (options.dry_run)
      context.out() << "Dry run: nothing was removed.\n";
    return;
  }
  confirm_plan(context, plan, options);
  ProgressSink progress(context, !options.json && !context.global.quiet);
  stack::RemovalOptions removal;
  removal.progress = progress.callback();
  removal.cancelled = [] { return cancel_requested(); };
  const auto outcomes = stack::remove_items(session.engine(), plan.items, removal);
  progress.finish();
  std::string failures;
  size_t failed = 0;
  for (size_t i = 0; i < outcomes.size(); ++i)
    if (!outcomes[i].removed)
      failures += fmt::format("{}{} {}: {}", failed++ ? "; " : "", to_string(plan.items[i].kind),
                              plan.items[i].name, outcomes[i].error);
  if (options.json)
    write_result(context, plan, options, outcomes);
  else
    context.out() << fmt::format("Removed {} of {} items.\n", outcomes.size() - failed,
                                 outcomes.size());
  if (failed)
    throw Error(ExitCode::failed,
                fmt::format("{} could not be removed: {}",
                            failed == 1 ? "one item" : std::to_string(failed) + " items", failures),
                "the rest was removed; fix the cause and run `ollama-stack cleanup` again");
}

}  // namespace

void register_cleanup(CLI::App& app, Context& context) {
  auto options = std::make_shared<CleanupVerbOptions>();
  auto* command = app.add_subcommand("cleanup",
                                     "Remove what this installation left lying around (stopped "
                                     "containers, unused networks, .partial backups)");
  command->add_flag(
      "--remove-volumes", options->remove_volumes,
      "Also delete volumes of this installation that nothing uses and the stack does not declare");
  command->add_flag("--dry-run", options->dry_run,
                    "Print what would be removed and change nothing");
  command->add_flag("--force", options->force, "Do not ask (needed without a terminal)");
  command
      ->add_option("--backup-dir", options->backup_dir,
                   "Folder to look for .partial backup folders in (default: the current folder)")
      ->check(CLI::ExistingDirectory);
  add_lock_timeout_option(*command, options->lock_timeout);
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#cleanup)");
  command->callback([&context, options] { run_cleanup(context, *options); });
}

}  // namespace ollama_stack::cli
