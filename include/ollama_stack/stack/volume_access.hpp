#pragma once
// Reading and writing a volume's content through the engine's container archive API: a container
// is created (never started) from an image already on the machine — the stack's own service
// image — with the volume mounted, so no helper image is pulled. Both directions stream.
#include <functional>
#include <string>
#include <string_view>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/stack/backup_archive.hpp"

namespace ollama_stack::stack {

// Label on the access container, so an interrupted run's leftover is recognisable (and found by
// uninstall through the installation label it also carries).
inline constexpr const char* kVolumeAccessLabel = "ollama-stack.volume-access";

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

}  // namespace ollama_stack::stack
