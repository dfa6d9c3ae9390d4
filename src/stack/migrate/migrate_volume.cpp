#include "ollama_stack/stack/migrate/migrate_volume.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>
#include <set>

#include "backup/volume_copy.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/backup/backup.hpp"
#include "ollama_stack/stack/backup/volume_access.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/mcp/mcp_volume.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using State = ProgressUpdate::State;

// The key of the one named volume of the project that `service` keeps its data in.
std::string volume_key_of(const compose::Project& project, const std::string& service) {
  const auto found = project.services.find(service);
  if (found == project.services.end()) {
    std::vector<std::string> names;
    for (const auto& [name, unused] : project.services) names.push_back(name);
    throw Error(ExitCode::usage,
                fmt::format("--from-volume: the stack has no service {} (it has {})", service,
                            fmt::join(names, ", ")),
                "name the service whose data the volume holds, e.g. --from-volume ollama=ollama");
  }
  std::vector<std::string> keys;
  for (const auto& mount : found->second.volumes)
    if (mount.type == compose::Mount::Type::volume && !mount.source.empty() &&
        project.volumes.count(mount.source) && !project.volumes.at(mount.source).external &&
        mount.source != kMcpConfigVolumeKey)  // written from <home>/mcp/config.json, not data
      keys.push_back(mount.source);
  if (keys.size() != 1)
    throw Error(
        ExitCode::usage,
        keys.empty()
            ? fmt::format("--from-volume: service {} keeps no data in a volume of the stack",
                          service)
            : fmt::format(
                  "--from-volume: service {} has several volumes ({}); it is not clear which "
                  "one to fill",
                  service, fmt::join(keys, ", ")),
        "the stack's data volumes are those of ollama (models) and webui (chats, users, settings)");
  return keys.front();
}

std::vector<std::string> users_of(engine::Client& client, const std::string& volume,
                                  bool running_only) {
  std::vector<std::string> names;
  for (const auto& container : client.list_containers({{"volume", {volume}}}, true))
    if (!running_only || container.state == "running") names.push_back(container.name);
  return names;
}

// An image on the machine to create the (never started) access containers from: any image
// does, since nothing runs; the stack's own first, then what the source's containers ran.
std::optional<std::string> local_access_image(Session& session, const VolumeMigration& item) {
  if (auto image = access_image(session, item.service)) return image;
  auto& client = session.engine();
  for (const auto& container : client.list_containers({{"volume", {item.source}}}, true))
    if (client.inspect_image(container.image_id)) return container.image_id;
  for (const auto& image : client.list_images({}))
    if (!image.id.empty()) return image.id;
  return std::nullopt;
}

std::string pull_service_image(Session& session, const VolumeMigration& item,
                               const VolumeMigrationOptions& options) {
  const std::string reference = session.project().project.services.at(item.service).image;
  pull_access_image(session.engine(), reference, options.progress, options.cancelled,
                    [&](const std::string& why) {
                      return Error(ExitCode::failed,
                                   fmt::format("copying a volume needs an image on the machine to "
                                               "mount it in (any will do), there is none, and {} "
                                               "could not be pulled: {}",
                                               reference, why),
                                   "pull or load any image (e.g. the stack's: `ollama-stack "
                                   "update`), then run the same migrate again");
                    });
  return reference;
}

// The target as it was found: gone when it did not exist, else empty with its driver and labels.
void put_back_empty(engine::Client& client, const std::string& target,
                    const std::optional<engine::VolumeInfo>& before) {
  try {
    client.remove_volume(target, false);
  } catch (const engine::EngineError& error) {
    if (error.kind() != engine::EngineError::Kind::not_found) throw;
  }
  if (before) client.create_volume(target, before->driver, before->labels);
}

void copy_one(Session& session, VolumeMigration& item, const VolumeMigrationOptions& options) {
  auto& client = session.engine();
  const auto& project = session.project().project;
  std::string image;
  if (auto local = local_access_image(session, item))
    image = *local;
  else
    image = pull_service_image(session, item, options);

  const auto before = client.inspect_volume(item.target);
  if (before && item.target_has_content) {
    put_back_empty(client, item.target, before);  // --force: the old content goes
    item.replaced = true;
  } else if (!before) {
    const auto& volume = project.volumes.at(item.target_key);
    auto volume_labels = volume.labels;
    volume_labels[labels::kProject] = project.name;
    volume_labels[labels::kVolume] = item.target_key;
    volume_labels[labels::kVersion] = labels::kComposeVersion;
    volume_labels[labels::kInstallation] = project.name;
    volume_labels[labels::kComponent] = "core";
    client.create_volume(item.target, volume.driver, volume_labels);
  }
  VolumeCopyOptions copy;
  copy.task = "volume:" + item.target;
  copy.label = fmt::format("{} -> {}", item.source, item.target);
  copy.expected_bytes = item.source_bytes;
  copy.progress = options.progress;
  copy.cancelled = options.cancelled;
  try {
    VolumeCopyResult copied;
    {
      VolumeAccess source(client, item.source, image, project.name);
      VolumeAccess target(client, item.target, image, project.name);
      copied = copy_volume(source, target, copy);
    }  // the access containers go before the target may be emptied again
    item.files = copied.files;
    item.bytes = copied.bytes;
    item.copied = true;
  } catch (const Error& error) {
    const bool interrupted = dynamic_cast<const Interrupted*>(&error) != nullptr;
    if (options.progress)
      options.progress(
          {copy.task, copy.label, State::failed, interrupted ? "interrupted" : error.what(), 0, 0});
    std::string undone = "what was copied was removed again";
    try {
      put_back_empty(client, item.target, before);
    } catch (const std::exception& failure) {
      undone = fmt::format("removing what was copied failed too ({}): remove volume {} by hand",
                           failure.what(), item.target);
    }
    if (interrupted) throw;
    throw Error(ExitCode::failed,
                fmt::format("copying volume {} into {} failed: {}; the source is unchanged and {}",
                            item.source, item.target, error.what(), undone),
                "fix the cause and run the same migrate again");
  }
}

}  // namespace

VolumeRequest parse_volume_request(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0 || equals + 1 == text.size())
    throw Error(ExitCode::usage, fmt::format("--from-volume \"{}\" is not SERVICE=VOLUME", text),
                "for example --from-volume ollama=ollama or --from-volume webui=open-webui; "
                "`ollama-stack migrate "
                "--from-volume` alone lists the candidates");
  return {std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
}

std::string VolumeMigration::refusal(bool force) const {
  if (!target_users.empty())
    return fmt::format(
        "the stack's volume {} is in use by {}; stop the stack first (`ollama-stack stop`)", target,
        fmt::join(target_users, ", "));
  if (!force && !source_running.empty())
    return fmt::format(
        "volume {} is in use by the running container{} {}, and a copy of data being written may "
        "be "
        "inconsistent; stop {} first (`docker stop {}`), or pass --force",
        source, source_running.size() == 1 ? "" : "s", fmt::join(source_running, ", "),
        source_running.size() == 1 ? "it" : "them", fmt::join(source_running, ", "));
  if (!force && target_has_content)
    return fmt::format(
        "the stack's volume {} already holds data; pass --force to replace it with the content of "
        "{} "
        "(back it up first with `ollama-stack backup --include-volumes` if you may want it back)",
        target, source);
  return {};
}

std::vector<VolumeMigration> plan_volume_migrations(Session& session,
                                                    const std::vector<VolumeRequest>& requests) {
  auto& client = session.engine();
  const auto& project = session.project().project;
  std::map<std::string, int64_t> sizes;
  try {
    sizes = client.volume_sizes();
  } catch (const engine::EngineError&) {
    // Sizes are for the user's information only.
  }
  auto size_of = [&](const std::string& name) {
    return sizes.count(name) ? sizes.at(name) : int64_t{-1};
  };
  std::vector<VolumeMigration> plan;
  std::set<std::string> targets;
  for (const auto& request : requests) {
    VolumeMigration item;
    item.service = request.service;
    item.source = request.volume;
    item.target_key = volume_key_of(project, request.service);
    item.target = project.volumes.at(item.target_key).name;
    if (!targets.insert(item.target).second)
      throw Error(ExitCode::usage,
                  fmt::format("--from-volume names service {} twice", item.service),
                  "one source volume per service");
    if (item.source == item.target)
      throw Error(
          ExitCode::usage,
          fmt::format("volume {} already is the stack's volume for {}", item.source, item.service),
          "name the volume the data is in now (`ollama-stack migrate --from-volume` lists the "
          "candidates)");
    if (!client.inspect_volume(item.source))
      throw Error(ExitCode::failed, fmt::format("there is no volume {} on the engine", item.source),
                  "`ollama-stack migrate --from-volume` lists the candidates; `docker volume ls` "
                  "lists every volume");
    item.source_bytes = size_of(item.source);
    item.source_running = users_of(client, item.source, true);
    if (client.inspect_volume(item.target)) {
      item.target_exists = true;
      item.target_bytes = size_of(item.target);
      item.target_users = users_of(client, item.target, false);
      if (auto image = local_access_image(session, item)) {
        VolumeAccess access(client, item.target, *image, project.name);
        item.target_has_content = volume_has_content(access);
      } else {
        item.target_has_content =
            item.target_bytes != 0;  // no image to look inside: the engine's measure
      }
    }
    plan.push_back(std::move(item));
  }
  return plan;
}

void migrate_volumes(Session& session, std::vector<VolumeMigration>& plan,
                     const VolumeMigrationOptions& options) {
  for (const auto& item : plan)
    if (auto why = item.refusal(options.force); !why.empty())
      throw Error(ExitCode::failed, why, "nothing was copied");
  for (auto& item : plan) {
    if (options.cancelled && options.cancelled()) throw Interrupted();
    copy_one(session, item, options);
  }
}

}  // namespace ollama_stack::stack
