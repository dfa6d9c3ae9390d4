#include "ollama_stack/stack/backup/restore_plan.hpp"

#include <fmt/format.h>

#include "ollama_stack/stack/extensions/extension_project.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {


[[noreturn]] void refuse(const BackupVolume& volume, const std::string& why) {
  throw Error(ExitCode::failed,
              fmt::format("the backup's volume {} cannot be restored: {}", volume.name, why),
              "restore writes only this installation's own volumes; restore without "
              "--include-volumes to get the "
              "config files back");
}

}  // namespace

std::vector<VolumeTarget> plan_volume_restore(const BackupManifest& manifest,
                                              const compose::Project& project) {
  std::vector<VolumeTarget> targets;
  const std::string extension_prefix = manifest.project + "-ext-";
  for (const auto& volume : manifest.volumes) {
    VolumeTarget target;
    target.entry = &volume;
    target.labels[labels::kInstallation] = project.name;
    if (auto found = project.volumes.find(volume.key); found != project.volumes.end()) {
      if (found->second.external)
        refuse(volume,
               fmt::format("this stack declares {} external, so it is not the stack's to write",
                           found->second.name));
      // As apply creates it.
      target.name = found->second.name;
      target.driver = found->second.driver;
      for (const auto& [key, value] : found->second.labels) target.labels[key] = value;
      target.labels[labels::kProject] = project.name;
      target.labels[labels::kVolume] = volume.key;
      target.labels[labels::kVersion] = labels::kComposeVersion;
      target.labels[labels::kComponent] = "core";
    } else if (volume.key == volume.name && volume.name.starts_with(extension_prefix) &&
               volume.name.find('_', extension_prefix.size()) != std::string::npos) {
      // An extension's: "<project>-ext-<extension>_<key>", renamed into this installation.
      const std::string rest = volume.name.substr(extension_prefix.size());  // "<extension>_<key>"
      const std::string extension = rest.substr(0, rest.find('_'));
      target.name = project.name + "-ext-" + rest;
      target.labels[labels::kProject] = extension_project_name(project.name, extension);
      target.labels[labels::kVolume] = rest.substr(rest.find('_') + 1);
      target.labels[labels::kVersion] = labels::kComposeVersion;
      target.labels[labels::kComponent] = kExtensionComponent;
      target.labels[kExtensionLabel] = extension;
    } else {
      refuse(volume, fmt::format("it is not a volume of this stack ({})", project.name));
    }
    targets.push_back(std::move(target));
  }
  return targets;
}

}  // namespace ollama_stack::stack
