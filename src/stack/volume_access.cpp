#include "ollama_stack/stack/volume_access.hpp"

#include <nlohmann/json.hpp>

#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/util/random_bytes.hpp"

namespace ollama_stack::stack {
namespace {

std::string access_name(const std::string& volume) {
  return volume + "-access-" + util::to_hex(util::random_bytes(4));
}

}  // namespace

VolumeAccess::VolumeAccess(engine::Client& client, const std::string& volume, const std::string& image,
                           const std::string& installation)
    : client_(client) {
  // Never started: the entrypoint only has to exist in the create body, not in the image.
  nlohmann::json body{
      {"Image", image},
      {"Entrypoint", {"/ollama-stack-volume-access"}},
      {"Cmd", nlohmann::json::array()},
      {"NetworkDisabled", true},
      {"Labels", {{compose::labels::kInstallation, installation}, {kVolumeAccessLabel, volume}}},
      {"HostConfig",
       {{"Mounts", {{{"Type", "volume"}, {"Source", volume}, {"Target", std::string("/") + kVolumeMountDir}}}}}}};
  id_ = client_.create_container(access_name(volume), body);
}

VolumeAccess::~VolumeAccess() {
  try {
    client_.remove_container(id_, true, false);
  } catch (const std::exception&) {
    // Best effort: the label lets uninstall find a leftover.
  }
}

void VolumeAccess::export_tar(const std::function<bool(std::string_view)>& on_data) {
  client_.get_archive(id_, std::string("/") + kVolumeMountDir, on_data);
}

void VolumeAccess::import_tar(const ByteReader& reader) { client_.put_archive_stream(id_, "/", reader); }

}  // namespace ollama_stack::stack
