#pragma once
// `restore`: checks a backup completely (manifest, every checksum, every volume entry, where each
// volume goes) before it changes anything; then stops this installation's containers if they run,
// replaces the volumes (each one's previous content is first copied aside), writes the config
// files back into the home, and starts the stack again if it was running. Volumes stream from the
// backup into the engine. Nothing is half-done: when any step fails (or Ctrl-C), the volumes get
// their previous content back, the config files theirs, and the stack is started again if it ran.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/stack/backup/backup_manifest.hpp"
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

struct RestoreOptions {
  bool include_volumes = false;
  bool validate_only = false;
  // Asked before a running stack is stopped (the project name); false refuses the restore.
  std::function<bool(const std::string& project)> confirm_stop;
  ProgressCallback progress;
  std::function<bool()> cancelled;
  std::chrono::seconds start_timeout{300};
  std::function<void(const compose::Project&)> preflight;  // before the restart
};

struct RestoreResult {
  BackupManifest manifest;
  bool compressed = false;
  bool validated_only = false;
  bool was_running = false;  // stopped for the restore, and started again
  std::vector<std::string> restored_files;    // relative to the home
  std::vector<std::string> restored_volumes;  // engine names (always this installation's)
  // The backup's .env named another project (the restored one keeps this installation's name), or
  // a copy of a volume's previous content could not be removed.
  std::vector<std::string> warnings;
};

// Throws Error(failed) naming the bad file of a corrupt backup, the entry of a volume tar that is
// refused, or a volume that is not this installation's (in all three nothing changed); Error
// (failed) when the user declines to stop the stack; "restore failed: …; nothing was changed: …"
// (or Interrupted) after putting everything back when a step fails; and what start_stack throws
// when the restart after a successful restore fails.
RestoreResult restore_backup(Session& session, const std::filesystem::path& backup, const RestoreOptions& options);

}  // namespace ollama_stack::stack
