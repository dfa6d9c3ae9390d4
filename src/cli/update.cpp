// `ollama-stack update`: pull the newest images, recreate the services whose image changed.
#include "ollama_stack/stack/update.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "confirm.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/stack/backup/backup.hpp"
#include "ollama_stack/stack/extensions/extensions.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/error.hpp"
#include "stack_lock.hpp"
#include "stack_verbs.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct UpdateVerbOptions {
  bool services = false;
  bool extensions = false;
  bool no_restart = false;
  bool backup = false;
  int timeout = 300;
  int lock_timeout = 120;
  bool json = false;
};

std::string short_id(const std::string& id) {
  if (id.empty()) return "(none)";
  auto hex = id.starts_with("sha256:") ? id.substr(7) : id;
  return hex.substr(0, 12);
}

void render(Context& context, const stack::UpdateResult& result, const std::string& backup, bool json) {
  if (json) {
    nlohmann::json images = nlohmann::json::array();
    for (const auto& image : result.images)
      images.push_back({{"reference", image.reference}, {"services", image.services},
                        {"outcome", stack::to_string(image.outcome)}, {"changed", image.changed()},
                        {"old_id", image.old_id.empty() ? nlohmann::json() : nlohmann::json(image.old_id)},
                        {"new_id", image.new_id.empty() ? nlohmann::json() : nlohmann::json(image.new_id)},
                        {"error", image.error.empty() ? nlohmann::json() : nlohmann::json(image.error)}});
    write_json(context.out(), with_schema_version({{"was_running", result.was_running},
                                                   {"images", images},
                                                   {"recreated", result.recreated},
                                                   {"backup", backup.empty() ? nlohmann::json() : nlohmann::json(backup)},
                                                   {"warnings", result.warnings}}));
    return;
  }
  for (const auto& warning : result.warnings) context.err() << "warning: " << warning << "\n";
  for (const auto& image : result.images) {
    if (image.outcome == stack::ImageUpdate::Outcome::failed)
      context.out() << fmt::format("  {:<40} failed: {}\n", image.reference, image.error);
    else if (image.changed())
      context.out() << fmt::format("  {:<40} {} → {}\n", image.reference, short_id(image.old_id), short_id(image.new_id));
    else
      context.out() << fmt::format("  {:<40} unchanged ({})\n", image.reference, short_id(image.new_id));
  }
  if (!result.recreated.empty()) {
    std::string names;
    for (const auto& service : result.recreated) names += (names.empty() ? "" : ", ") + service;
    context.out() << "Recreated: " << names << " (healthy).\n";
  } else if (!result.was_running) {
    context.out() << "The stack is not running; `ollama-stack start` will use the new images.\n";
  }
}

void run_update(Context& context, const UpdateVerbOptions& options) {
  LockedVerb verb(context, "update", options.json, options.lock_timeout);
  auto& [session, lock, progress] = verb;
  std::string backup_path;
  bool want_backup = options.backup;
  if (!want_backup && !options.json && can_ask(context))
    want_backup = confirm(context, "Back up the config and volumes before updating?");
  if (want_backup) {
    stack::BackupOptions backup;
    backup.include_volumes = true;
    backup.compress = true;
    backup.progress = progress.callback();
    backup.cancelled = [] { return cancel_requested(); };
    backup_path = stack::create_backup(session, backup).path.string();
    progress.note("Backup written and verified: " + backup_path);
  }
  stack::UpdateOptions update;
  // Neither flag: everything; one flag: only that part.
  update.core = options.services || !options.extensions;
  update.extensions = options.extensions || !options.services;
  update.restart = !options.no_restart;
  update.extension_images = stack::extension_update_targets;
  update.progress = progress.callback();
  update.cancelled = [] { return cancel_requested(); };
  update.timeout = std::chrono::seconds(options.timeout);
  update.preflight = [&context, &session](const compose::Project& project) {
    refuse_port_conflicts(context, session.engine(), project);
  };
  auto result = stack::update_stack(session, update);
  progress.finish();
  render(context, result, backup_path, options.json);
  if (result.any_failed()) {
    std::string failed;
    for (const auto& image : result.images)
      if (image.outcome == stack::ImageUpdate::Outcome::failed) failed += (failed.empty() ? "" : ", ") + image.reference;
    // The report above is the output (also under --json); the error sentence goes to stderr only.
    context.err() << fmt::format("ollama-stack: error: pulling {} failed; the services using it were left as they were\n", failed)
                  << "  hint: check the image name and that its registry is reachable, then run `ollama-stack update` again\n";
    throw ExitWith(static_cast<int>(ExitCode::failed));
  }
}

}  // namespace

void register_update(CLI::App& app, Context& context) {
  auto options = std::make_shared<UpdateVerbOptions>();
  auto* command = app.add_subcommand("update", "Pull the newest images and recreate the services whose image changed");
  auto* services = command->add_flag("--services", options->services, "Only the core services' images (ollama, webui, mcp_proxy)");
  auto* extensions = command->add_flag("--extensions", options->extensions, "Only the enabled extensions' images");
  services->excludes(extensions);
  command->add_flag("--no-restart", options->no_restart, "Only pull; leave a running stack as it is");
  command->add_flag("--backup", options->backup, "Write a compressed backup with the volumes first");
  command->add_option("--timeout", options->timeout, "Seconds to wait for recreated services to be healthy (default 300)")
      ->check(whole_seconds(1));
  add_lock_timeout_option(*command, options->lock_timeout);
  command->add_flag("--json", options->json, "Print one JSON document (schema: docs/json.md#update)");
  command->callback([&context, options] { run_update(context, *options); });
}

}  // namespace ollama_stack::cli
