#pragma once
// Copying one volume's content into another through the engine's archive API, checksummed on the
// way and verified afterwards: the source's tar streams from a never-started container (GET
// archive) into one mounting the target (PUT archive) while every file's SHA-256 is taken; then
// the target is read back and every entry compared. Memory stays flat (bounded pipes between
// the threads that push and pull); the source is only read.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/stack/backup/backup_archive.hpp"
#include "ollama_stack/stack/backup/backup_manifest.hpp"
#include "ollama_stack/stack/backup/volume_access.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

// Streams the volume's tar (entries under "ollama-stack-volume/") into `consume`, which runs on
// the calling thread and pulls the bytes; what it leaves unread is not transferred.
void read_volume_tar(VolumeAccess& access, const std::function<void(const ByteReader&)>& consume);

// Whether the volume holds anything at all (reads the tar up to its second entry only).
bool volume_has_content(VolumeAccess& access);

struct VolumeCopyOptions {
  std::string task;             // progress task id ("volume:<target>")
  std::string label;            // what a person reads
  int64_t expected_bytes = -1;  // the source's size as the engine reports it (progress total)
  ProgressCallback progress;
  std::function<bool()> cancelled;
};

struct VolumeCopyResult {
  std::vector<VolumeEntry> entries;  // the source's, as copied and verified
  uint64_t files = 0;
  uint64_t bytes = 0;  // content of the files
};

// Copies `source`'s content into `target` (whose existing content is not removed) and verifies
// that every entry of the source is in the target, files with the same size and SHA-256. Throws
// Error(failed) naming the first difference, Interrupted when cancelled.
VolumeCopyResult copy_volume(VolumeAccess& source, VolumeAccess& target,
                             const VolumeCopyOptions& options);

}  // namespace ollama_stack::stack
