#include "ollama_stack/stack/restore.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/backup.hpp"
#include "ollama_stack/stack/backup_verify.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/stack/volume_access.hpp"
#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;
namespace labels = compose::labels;
using State = ProgressUpdate::State;

constexpr const char* kConfigPrefix = "config/";

bool has_containers(engine::Client& client, const std::string& project) {
  return !client.list_containers({{"label", {std::string(labels::kProject) + "=" + project}}}, true).empty();
}

// Puts a fresh, empty volume with the backup's name, driver and labels in place.
void recreate_volume(engine::Client& client, const BackupVolume& volume) {
  if (client.inspect_volume(volume.name)) {
    try {
      client.remove_volume(volume.name, false);
    } catch (const engine::EngineError& error) {
      throw Error(ExitCode::failed,
                  fmt::format("cannot replace volume {}: {}", volume.name, error.what()),
                  "a container outside the stack uses it; remove that container, then restore again");
    }
  }
  client.create_volume(volume.name, volume.driver, volume.labels);
}

// The stack's own image for the volume's service, pulled when it is not on the machine.
std::string image_for(Session& session, const BackupVolume& volume, const RestoreOptions& options) {
  if (auto image = access_image(session, volume.service)) return *image;
  const auto& services = session.project().project.services;
  auto it = services.find(volume.service);
  if (it == services.end() && !services.empty()) it = services.begin();
  if (it == services.end())
    throw Error(ExitCode::failed, fmt::format("no service image to restore volume {} with", volume.name));
  const std::string reference = it->second.image;
  const std::string task = "image:" + reference;
  if (options.progress) options.progress({task, reference, State::running, "pulling", 0, 0});
  try {
    session.engine().pull_image(reference, nullptr, options.cancelled);
  } catch (const engine::EngineError& error) {
    if (error.kind() == engine::EngineError::Kind::cancelled) throw Interrupted();
    if (options.progress) options.progress({task, reference, State::failed, error.what(), 0, 0});
    throw Error(ExitCode::failed,
                fmt::format("restoring volume {} needs the image {} of service {} (volumes are written through a "
                            "container of the stack's own image), and it is not on this machine: {}",
                            volume.name, reference, it->first, error.what()),
                "pull or load that image (or point the image variable in .env at one that is here), then run the "
                "same restore again; the config files were already restored, the volumes were not touched");
  }
  if (options.progress) options.progress({task, reference, State::done, "pulled", 0, 0});
  return reference;
}

}  // namespace

RestoreResult restore_backup(Session& session, const fs::path& backup, const RestoreOptions& options) {
  RestoreResult result;
  auto& client = session.engine();
  // Asked before the (long) verification, so a refusal comes at once; nothing changes until both
  // the answer and the verification are in.
  std::set<std::string> projects{session.project_name()};
  if (!options.validate_only) {
    if (has_containers(client, *projects.begin())) result.was_running = true;
    if (result.was_running && (!options.confirm_stop || !options.confirm_stop(*projects.begin())))
      throw Error(ExitCode::failed, "restore cancelled: the stack is running and was not stopped",
                  "stop it with `ollama-stack stop`, or pass --force to let restore stop it");
  }
  auto verified = verify_backup(backup, options.progress);
  result.manifest = verified.manifest;
  result.compressed = verified.compressed;
  const auto& manifest = result.manifest;
  if (options.validate_only) {
    result.validated_only = true;
    return result;
  }
  if (options.include_volumes && manifest.volumes.empty())
    throw Error(ExitCode::failed, fmt::format("backup {} holds no volumes (it was made without --include-volumes)", backup.string()),
                "restore it without --include-volumes, or use a backup made with --include-volumes");

  // The backup's installation may run under its own name (the home's PROJECT_NAME differs).
  if (projects.insert(manifest.project).second && has_containers(client, manifest.project)) {
    if (!result.was_running && (!options.confirm_stop || !options.confirm_stop(manifest.project)))
      throw Error(ExitCode::failed, "restore cancelled: the stack is running and was not stopped",
                  "stop it with `ollama-stack stop`, or pass --force to let restore stop it");
    result.was_running = true;
  }
  if (result.was_running) {
    for (const auto& project : projects) {
      compose::DownOptions down;
      down.progress = options.progress;
      compose::down(client, project, down);
    }
  }

  const auto& home = session.home();
  fs::create_directories(home.root);
  std::optional<Session> restored;  // on the restored config, made when the first volume comes
  std::map<std::string, const BackupVolume*> volume_of;
  if (options.include_volumes)
    for (const auto& volume : manifest.volumes) volume_of[volume.archive] = &volume;

  for_each_member(backup, manifest, [&](const std::string& name, uint64_t size, const ByteReader& data) {
    if (options.cancelled && options.cancelled()) throw Interrupted();
    if (name.starts_with(kConfigPrefix)) {
      const std::string relative = name.substr(std::string(kConfigPrefix).size());
      if (!is_safe_relative_path(relative)) return;
      const fs::path target = home.root / relative;
      fs::create_directories(target.parent_path());
      util::WriteOptions write;
      if (relative == ".env") write.mode = 0600;
      util::write_file_atomic(target, read_all(data, 64 * 1024 * 1024, name), write);
      result.restored_files.push_back(relative);
      return;
    }
    auto volume = volume_of.find(name);
    if (volume == volume_of.end()) return;
    if (!restored) restored.emplace(client, session.options());
    const auto& entry = *volume->second;
    const std::string image = image_for(*restored, entry, options);
    const std::string task = "volume:" + entry.name;
    if (options.progress) options.progress({task, entry.name, State::running, "restoring", 0, static_cast<int64_t>(size)});
    try {
      recreate_volume(client, entry);
      VolumeAccess access(client, entry.name, image, manifest.project);
      uint64_t sent = 0, reported = 0;
      access.import_tar([&](char* buffer, size_t capacity) {
        if (options.cancelled && options.cancelled()) throw Interrupted();
        size_t got = data(buffer, capacity);
        sent += got;
        if (options.progress && (sent - reported >= (1u << 20) || got == 0)) {
          reported = sent;
          options.progress({task, entry.name, State::running, "restoring", static_cast<int64_t>(sent), static_cast<int64_t>(size)});
        }
        return got;
      });
    } catch (const Interrupted&) {
      throw;
    } catch (const Error& error) {
      if (options.progress) options.progress({task, entry.name, State::failed, error.what(), 0, 0});
      std::string done;
      for (const auto& restored_volume : result.restored_volumes) done += (done.empty() ? "" : ", ") + restored_volume;
      throw Error(error.code(),
                  fmt::format("restoring volume {} failed: {} (volumes restored before it: {})", entry.name, error.what(),
                              done.empty() ? "none" : done),
                  error.hint().empty() ? "fix the cause and run the same restore again" : error.hint());
    }
    if (options.progress) options.progress({task, entry.name, State::done, "restored", static_cast<int64_t>(size), static_cast<int64_t>(size)});
    result.restored_volumes.push_back(entry.name);
  });

  if (result.was_running) {
    Session fresh(client, session.options());
    StartOptions start;
    start.timeout = options.start_timeout;
    start.progress = options.progress;
    start.cancelled = options.cancelled;
    start.preflight = options.preflight;
    start_stack(fresh, start);
  }
  return result;
}

}  // namespace ollama_stack::stack
