#pragma once
// Reading a backup (directory or .tar.gz) back and checking it against its manifest: every file's
// size and SHA-256, and every entry of every volume tar. Used by backup (on what it just wrote)
// and by restore (before it changes anything).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "ollama_stack/stack/backup/backup_archive.hpp"
#include "ollama_stack/stack/backup/backup_manifest.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

struct VerifiedBackup {
  BackupManifest manifest;
  bool compressed = false;
  uint64_t bytes = 0;  // content checked
};

// Throws Error(failed) "backup <path> is corrupt: <file>: <what>" naming the first bad file (and
// inside a volume tar, the bad entry), or "… is not a backup" when there is no manifest. With
// `for_restore`, also "backup <path> is refused: …" naming a volume tar that is not a tar, an
// entry restore would not write (why_entry_is_refused) or a config file that is not the home's.
VerifiedBackup verify_backup(const std::filesystem::path& path, const ProgressCallback& progress = {},
                             bool for_restore = false);

// Calls `on_member` for every file of the backup, in the manifest's order for a directory and in
// archive order for a .tar.gz; `data` streams the member's bytes.
void for_each_member(const std::filesystem::path& path, const BackupManifest& manifest,
                     const std::function<void(const std::string& name, uint64_t size, const ByteReader& data)>& on_member);

// Reads the whole rest of `data` (small members only: the manifest, entry lists, config files).
std::string read_all(const ByteReader& data, uint64_t limit, const std::string& where);

}  // namespace ollama_stack::stack
