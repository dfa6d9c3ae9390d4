#pragma once
// `backup`: the home's config files, the effective compose model, the stack's state and (on
// request) every volume's content, with a manifest of sizes and SHA-256 checksums; read back and
// verified before it is reported written. Volumes stream from the engine to disk.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/stack/backup/backup_manifest.hpp"
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

struct BackupOptions {
  bool include_volumes = false;
  bool compress = false;               // one .tar.gz instead of a directory
  std::filesystem::path output;        // "" = default_backup_path() in the current directory
  ProgressCallback progress;           // "volume:<name>" tasks with bytes, "verify", "compress"
  std::function<bool()> cancelled;
};

struct BackupResult {
  std::filesystem::path path;
  BackupManifest manifest;
  uint64_t bytes = 0;  // size of what was written (the .tar.gz, or the directory's files)
  bool compressed = false;
};

// "ollama-stack-backup-<project>-<YYYYMMDDTHHMMSSZ>" (+ ".tar.gz" when compressed).
std::filesystem::path default_backup_path(const std::string& project, bool compress,
                                          std::chrono::system_clock::time_point now);

// Throws Error(failed) when the output exists or cannot be written, or when the verification of
// what was written fails; Interrupted when cancelled. Leaves nothing behind on failure.
BackupResult create_backup(Session& session, const BackupOptions& options);

// A volume of the installation and the service whose image can read it.
struct InstallationVolume {
  std::string key;      // project volume key, or the engine name for volumes outside the project
  std::string name;     // engine name
  std::string service;  // "" when no service of the project mounts it
};

// The project's (non-external) volumes that exist, then other volumes labelled with the
// installation (extensions'), in name order.
std::vector<InstallationVolume> installation_volumes(Session& session);

// An image on this machine that can carry a volume-access container for `volume`: its service's
// image first, then the project's other images. nullopt when none is present.
std::optional<std::string> access_image(engine::Client& engine, const compose::Project& project,
                                        const std::string& service);
std::optional<std::string> access_image(Session& session, const std::string& service);

}  // namespace ollama_stack::stack
