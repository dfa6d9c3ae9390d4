#pragma once
// `restore`: checks a backup completely (manifest, every checksum, every volume entry) before it
// changes anything; then stops the stack if it runs, writes the config files back into the home,
// recreates the volumes (with their labels) from their tars, and starts the stack again if it was
// running. Volumes stream from the backup into the engine.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/stack/backup_manifest.hpp"
#include "ollama_stack/stack/session.hpp"
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
  std::vector<std::string> restored_volumes;  // engine names
};

// Throws Error(failed) naming the bad file of a corrupt backup (nothing changed), Error(failed)
// when the user declines to stop the stack, and what start_stack throws when the restart fails.
RestoreResult restore_backup(Session& session, const std::filesystem::path& backup, const RestoreOptions& options);

}  // namespace ollama_stack::stack
