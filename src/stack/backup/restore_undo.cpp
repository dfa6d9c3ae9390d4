#include "backup/restore_undo.hpp"

#include <fmt/format.h>

#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/backup/volume_access.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/random_bytes.hpp"

namespace ollama_stack::stack {

namespace fs = std::filesystem;

void RestoreUndo::replace_volume(const VolumeTarget& target, const std::string& image,
                                 const ByteReader& data, const std::function<bool()>& cancelled) {
  Volume volume;
  volume.name = target.name;
  const auto existing = client_.inspect_volume(target.name);
  volume.existed = existing.has_value();
  volume.driver = existing ? existing->driver : target.driver;
  volume.labels = existing ? existing->labels : target.labels;
  volume.image = image;
  auto& kept = volumes_.emplace_back(std::move(volume));
  if (kept.existed) {
    kept.saved = kept.name + "-pre-restore-" + util::to_hex(util::random_bytes(4));
    client_.create_volume(kept.saved, kept.driver,
                          {{labels::kInstallation, installation_}, {kPreRestoreLabel, kept.name}});
    kept.saved_exists = true;
    copy_volume(client_, kept.name, kept.saved, image, installation_, cancelled);
    try {
      client_.remove_volume(kept.name, false);
    } catch (const engine::EngineError& error) {
      throw Error(
          ExitCode::failed, fmt::format("cannot replace volume {}: {}", kept.name, error.what()),
          "a container outside the stack uses it; remove that container, then restore again");
    }
  }
  kept.replaced = true;
  client_.create_volume(kept.name, kept.driver, kept.labels);
  VolumeAccess access(client_, kept.name, image, installation_);
  access.import_tar(data);
}

void RestoreUndo::write_config(const fs::path& path, const std::string& content) {
  configs_.push_back({path, util::read_file_if_exists(path)});
  util::WriteOptions write;
  if (path.filename() == ".env") write.mode = 0600;
  util::write_file_atomic(path, content, write);
}

std::vector<std::string> RestoreUndo::replaced_volumes() const {
  std::vector<std::string> names;
  for (const auto& volume : volumes_)
    if (volume.replaced) names.push_back(volume.name);
  return names;
}

std::vector<std::string> RestoreUndo::undo(const std::function<bool()>& cancelled) {
  std::vector<std::string> failures;
  for (auto config = configs_.rbegin(); config != configs_.rend(); ++config) {
    try {
      if (config->previous)
        util::write_file_atomic(config->path, *config->previous, {});  // its mode kept
      else
        fs::remove(config->path);
    } catch (const std::exception& error) {
      failures.push_back(
          fmt::format("{} could not be put back: {}", config->path.string(), error.what()));
    }
  }
  for (auto volume = volumes_.rbegin(); volume != volumes_.rend(); ++volume) {
    try {
      if (volume->replaced) {
        remove_if_there(volume->name);
        if (volume->existed) {
          client_.create_volume(volume->name, volume->driver, volume->labels);
          copy_volume(client_, volume->saved, volume->name, volume->image, installation_,
                      cancelled);
        }
      }
      if (volume->saved_exists) remove_if_there(volume->saved);
    } catch (const std::exception& error) {
      failures.push_back(
          fmt::format("volume {} could not be put back ({}){}", volume->name, error.what(),
                      volume->saved_exists && volume->replaced
                          ? fmt::format(": its previous content is in volume {}", volume->saved)
                          : ""));
    }
  }
  return failures;
}

std::vector<std::string> RestoreUndo::discard() {
  std::vector<std::string> failures;
  for (const auto& volume : volumes_) {
    if (!volume.saved_exists) continue;
    try {
      client_.remove_volume(volume.saved, true);
    } catch (const std::exception& error) {
      failures.push_back(
          fmt::format("the copy of {}'s previous content, volume {}, could not be removed: {}",
                      volume.name, volume.saved, error.what()));
    }
  }
  return failures;
}

void RestoreUndo::remove_if_there(const std::string& name) {
  try {
    client_.remove_volume(name, true);
  } catch (const engine::EngineError& error) {
    if (error.kind() != engine::EngineError::Kind::not_found) throw;
  }
}

}  // namespace ollama_stack::stack
