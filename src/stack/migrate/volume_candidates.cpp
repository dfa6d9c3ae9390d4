// Which volumes on the engine look like the data of a stack the user ran before ollama-stack:
// `migrate --from-volume` without a value lists them.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/migrate/migrate_volume.hpp"

namespace ollama_stack::stack {
namespace {


// Volume names of upstream's own instructions: Ollama's docs/docker.md (`-v ollama:/root/.ollama`)
// and Open WebUI's README and docker-compose.yaml (`-v open-webui:/app/backend/data`; as a
// compose project, `<project>_open-webui` and `<project>_ollama`).
struct UpstreamName {
  const char* name;
  const char* service;
};
constexpr std::array<UpstreamName, 2> kUpstreamNames{
    {{"ollama", "ollama"}, {"open-webui", "webui"}}};

std::string label_of(const engine::Labels& labels, const char* key) {
  const auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

}  // namespace

std::vector<VolumeCandidate> find_volume_candidates(
    const std::vector<engine::ContainerSummary>& containers,
    const std::vector<engine::VolumeInfo>& volumes, const std::string& installation,
    const std::map<std::string, std::string>& data_paths,
    const std::map<std::string, std::string>& volume_keys) {
  std::set<std::string> ours;
  for (const auto& volume : volumes)
    if (label_of(volume.labels, labels::kInstallation) == installation ||
        label_of(volume.labels, labels::kProject) == installation)
      ours.insert(volume.name);
  std::set<std::string> services;
  for (const auto& [path, service] : data_paths) services.insert(service);

  std::map<std::string, VolumeCandidate> found;
  for (const auto& container : containers) {
    for (const auto& mount : container.mounts) {
      const auto path = data_paths.find(mount.destination);
      if (mount.type != "volume" || mount.name.empty() || path == data_paths.end() ||
          ours.count(mount.name))
        continue;
      if (found.count(mount.name)) continue;
      found[mount.name] = {
          mount.name, path->second,
          fmt::format("mounted at {} by container {} ({})", mount.destination, container.name,
                      container.state.empty() ? "unknown state" : container.state)};
    }
  }
  for (const auto& volume : volumes) {
    if (ours.count(volume.name) || found.count(volume.name)) continue;
    const std::string other = label_of(volume.labels, labels::kInstallation);
    const auto key = volume_keys.find(label_of(volume.labels, labels::kVolume));
    if (!other.empty() && key != volume_keys.end()) {
      found[volume.name] = {
          volume.name, key->second,
          fmt::format("the {} volume of ollama-stack installation {}", key->first, other)};
      continue;
    }
    for (const auto& upstream : kUpstreamNames) {
      const std::string suffix = std::string("_") + upstream.name;
      const bool named = volume.name == upstream.name ||
                         (volume.name.size() > suffix.size() && volume.name.ends_with(suffix));
      if (named && services.count(upstream.service)) {
        found[volume.name] = {
            volume.name, upstream.service,
            volume.name == upstream.name
                ? fmt::format("named like upstream's `-v {}:...`", upstream.name)
                : fmt::format("named like the {} volume of a compose project", upstream.name)};
        break;
      }
    }
  }
  std::vector<VolumeCandidate> candidates;
  for (auto& [name, candidate] : found) {
    for (const auto& volume : volumes)
      if (volume.name == name) candidate.bytes = volume.size;
    candidates.push_back(std::move(candidate));
  }
  std::stable_sort(
      candidates.begin(), candidates.end(),
      [](const VolumeCandidate& a, const VolumeCandidate& b) { return a.service < b.service; });
  return candidates;
}

std::vector<VolumeCandidate> volume_candidates(Session& session) {
  auto& client = session.engine();
  const auto& project = session.project().project;
  std::map<std::string, std::string> data_paths, volume_keys;
  for (const auto& [name, service] : project.services)
    for (const auto& mount : service.volumes)
      if (mount.type == compose::Mount::Type::volume && project.volumes.count(mount.source) &&
          !project.volumes.at(mount.source).external) {
        data_paths[mount.target] = name;
        volume_keys[mount.source] = name;
      }
  auto volumes = client.list_volumes({});
  try {
    const auto sizes = client.volume_sizes();
    for (auto& volume : volumes)
      if (auto it = sizes.find(volume.name); it != sizes.end()) volume.size = it->second;
  } catch (const engine::EngineError&) {
    // Sizes are for the user's information only.
  }
  return find_volume_candidates(client.list_containers({}, true), volumes, project.name, data_paths,
                                volume_keys);
}

}  // namespace ollama_stack::stack
