#pragma once
// Which of this installation's volumes a backup's volumes are restored into. Names come from the
// current project, never from the backup: a backup (made elsewhere, or altered) can only ever
// write this installation's own volumes, and never relabels anything as someone else's. Pure.
#include <map>
#include <string>
#include <vector>

#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/stack/backup/backup_manifest.hpp"

namespace ollama_stack::stack {

struct VolumeTarget {
  const BackupVolume* entry = nullptr;  // the backup's volume (its tar and entry list)
  std::string name;                     // this installation's volume that receives it
  std::string driver = "local";         // for a volume that must be created
  std::map<std::string, std::string> labels;
};

// One target per volume of the backup: a volume of the project (by its key: "ollama_data" ->
// "<project>_ollama_data") or of one of its extensions (the backup's "<backup project>-ext-…"
// becomes "<project>-ext-…"). Throws Error(failed) naming the first volume that is neither, or
// that the project declares external (not the stack's to write).
std::vector<VolumeTarget> plan_volume_restore(const BackupManifest& manifest,
                                              const compose::Project& project);

}  // namespace ollama_stack::stack
