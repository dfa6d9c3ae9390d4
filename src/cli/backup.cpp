// `ollama-stack backup`: config, compose model, state and (with --include-volumes) every volume,
// with a manifest of checksums; verified before it is reported written.
#include "ollama_stack/stack/backup/backup.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "stack_lock.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct BackupVerbOptions {
  bool include_volumes = false;
  std::string output;
  bool compress = false;
  int lock_timeout = 120;
  bool json = false;
};

nlohmann::json backup_json(const stack::BackupResult& result) {
  nlohmann::json volumes = nlohmann::json::array();
  for (const auto& volume : result.manifest.volumes)
    volumes.push_back({{"name", volume.name}, {"key", volume.key}, {"archive", volume.archive},
                       {"files", volume.files}, {"content_bytes", volume.content_bytes}});
  nlohmann::json files = nlohmann::json::array();
  for (const auto& file : result.manifest.files)
    files.push_back({{"path", file.path}, {"size", file.size}, {"sha256", file.sha256}});
  return with_schema_version({{"path", result.path.string()},
                              {"project", result.manifest.project},
                              {"compressed", result.compressed},
                              {"bytes", result.bytes},
                              {"verified", true},
                              {"created_at", result.manifest.created_at},
                              {"files", files},
                              {"volumes", volumes}});
}

void run_backup(Context& context, const BackupVerbOptions& options) {
  LockedVerb verb(context, "backup", options.json, options.lock_timeout);
  auto& [session, lock, progress] = verb;
  stack::BackupOptions backup;
  backup.include_volumes = options.include_volumes;
  backup.compress = options.compress;
  backup.output = options.output;
  backup.progress = progress.callback();
  backup.cancelled = [] { return cancel_requested(); };
  auto result = stack::create_backup(session, backup);
  progress.finish();
  if (options.json) {
    write_json(context.out(), backup_json(result));
    return;
  }
  context.out() << fmt::format("Backup written and verified: {} ({}, {} files, {} volumes)\n", result.path.string(),
                               format_bytes(result.bytes), result.manifest.files.size(), result.manifest.volumes.size());
  for (const auto& volume : result.manifest.volumes)
    context.out() << fmt::format("  {:<32} {} files, {}\n", volume.name, volume.files, format_bytes(volume.content_bytes));
  if (!options.include_volumes)
    context.out() << "Volumes (models, chats) are not included; add --include-volumes to back them up too.\n";
}

}  // namespace

void register_backup(CLI::App& app, Context& context) {
  auto options = std::make_shared<BackupVerbOptions>();
  auto* command = app.add_subcommand("backup", "Back up the config, the compose model, the state and (optionally) the volumes");
  command->add_flag("--include-volumes", options->include_volumes, "Also back up every volume's content (models, chats)");
  command->add_option("--output", options->output,
                      "Where to write the backup (default: ./ollama-stack-backup-<project>-<time>[.tar.gz]); must not exist");
  command->add_flag("--compress", options->compress, "Write one .tar.gz instead of a directory");
  add_lock_timeout_option(*command, options->lock_timeout);
  command->add_flag("--json", options->json, "Print one JSON document (schema: docs/json.md#backup)");
  command->callback([&context, options] { run_backup(context, *options); });
}

}  // namespace ollama_stack::cli
