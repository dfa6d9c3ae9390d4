#pragma once
// Reading and writing a volume's content through the engine's container archive API: a container
// is created (never started) from an image already on the machine — the stack's own service
// image — with the volume mounted, so no helper image is pulled. Both directions stream.
#include <functional>
#include <string>
#include <string_view>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/stack/backup/backup_archive.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

// Label on the access container, so an interrupted run's leftover is recognisable (and found by
// uninstall through the installation label it also carries).
inline constexpr const char* kVolumeAccessLabel = "ollama-stack.volume-access";

// Label on a volume that holds another one's previous content while a restore replaces it.
inline constexpr const char* kPreRestoreLabel = "ollama-stack.pre-restore-of";

class VolumeAccess {
 public:
  // Creates the container; throws EngineError when the image is absent or the volume unknown.
  VolumeAccess(engine::Client& client, const std::string& volume, const std::string& image,
               const std::string& installation);
  ~VolumeAccess();  // removes the container (best effort)
  VolumeAccess(const VolumeAccess&) = delete;
  VolumeAccess& operator=(const VolumeAccess&) = delete;

  // The volume's content as a tar, entries under "ollama-stack-volume/"; return false to stop.
  void export_tar(const std::function<bool(std::string_view)>& on_data);
  // Extracts a tar made by export_tar into the volume.
  void import_tar(const ByteReader& reader);

 private:
  engine::Client& client_;
  std::string id_;
};

// Copies everything in volume `from` into volume `to` (which should be empty) through the engine:
// one access container streams `from` as a tar straight into another's `to`, through a small
// buffer (memory stays flat). Throws what either side throws (EngineError, Interrupted when
// `cancelled` says so).
void copy_volume(engine::Client& client, const std::string& from, const std::string& to, const std::string& image,
                 const std::string& installation, const std::function<bool()>& cancelled);

// Pulls `reference` for access containers when no image of the stack is on the machine, reported
// as the progress task "image:<reference>". Ctrl-C throws Interrupted; a failed pull throws what
// `failure` makes of the engine's message.
void pull_access_image(engine::Client& client, const std::string& reference,
                       const ProgressCallback& progress, const std::function<bool()>& cancelled,
                       const std::function<Error(const std::string& why)>& failure);

}  // namespace ollama_stack::stack
