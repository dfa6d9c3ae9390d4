#include "ollama_stack/stack/backup/restore.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>

#include "backup/backup_verify.hpp"
#include "backup/restore_undo.hpp"
#include "home/project_for_names.hpp"
#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/stack/backup/backup.hpp"
#include "ollama_stack/stack/backup/restore_plan.hpp"
#include "ollama_stack/stack/backup/volume_access.hpp"
#include "ollama_stack/stack/extensions/extensions.hpp"
#include "ollama_stack/stack/home/env_file.hpp"
#include "ollama_stack/stack/home/variable_lookup.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;
using State = ProgressUpdate::State;

constexpr const char* kConfigPrefix = "config/";
constexpr uint64_t kConfigLimit = 64 * 1024 * 1024;

// This installation's compose projects that have containers: its extensions first, the core
// last (extensions hold the core's network).
std::vector<std::string> projects_with_containers(engine::Client& client,
                                                  const std::string& installation) {
  std::set<std::string> found;
  for (const auto& container :
       client.list_containers(labels::installation_filter(installation), true))
    if (auto project = container.labels.find(labels::kProject); project != container.labels.end())
      found.insert(project->second);
  std::vector<std::string> projects;
  for (const auto& project : found)
    if (project != installation) projects.push_back(project);
  if (found.count(installation)) projects.push_back(installation);
  return projects;
}

// The stack's own image for the volume's service, pulled when it is not on the machine.
std::string image_for(Session& session, const compose::Project& project, const BackupVolume& volume,
                      const RestoreOptions& options) {
  if (auto image = access_image(session.engine(), project, volume.service)) return *image;
  const auto& services = project.services;
  auto it = services.find(volume.service);
  if (it == services.end() && !services.empty()) it = services.begin();
  if (it == services.end())
    throw Error(ExitCode::failed,
                fmt::format("no service image to restore volume {} with", volume.name));
  const std::string reference = it->second.image;
  pull_access_image(session.engine(), reference, options.progress, options.cancelled,
                    [&](const std::string& why) {
                      return Error(
                          ExitCode::failed,
                          fmt::format("restoring volume {} needs the image {} of service {} "
                                      "(volumes are written through a container of the stack's "
                                      "own image), and it is not on this machine: {}",
                                      volume.name, reference, it->first, why),
                          "pull or load that image (or point the image variable in .env at one "
                          "that is here), then run the same restore again");
                    });
  return reference;
}

// Starts the stack again; while putting things back after a failure (or a first Ctrl-C) nothing
// cancels it: only a second Ctrl-C, which ends the process, does.
void restart(Session& session, const RestoreOptions& options, bool extensions, bool undoing) {
  Session fresh(session.engine(), session.options());
  const std::function<bool()> cancelled = undoing ? std::function<bool()>() : options.cancelled;
  StartOptions start;
  start.timeout = options.start_timeout;
  start.progress = options.progress;
  start.cancelled = cancelled;
  start.preflight = options.preflight;
  start_stack(fresh, start);
  if (!extensions) return;
  ExtensionStartOptions extension_start;
  extension_start.timeout = options.start_timeout;
  extension_start.progress = options.progress;
  extension_start.cancelled = cancelled;
  start_enabled_extensions(fresh, extension_start);
}

// The backup's .env, made to keep this installation's name: the volumes went to this
// installation, so the restored config must name it too (never the backup's project, which may
// be another installation on this engine). Says so when it had to change it.
std::string keep_project_name(Session& session, const std::string& installation,
                              const std::string& text, std::vector<std::string>& warnings) {
  EnvFile restored;
  restored.path = session.home().env_file();
  restored.exists = true;
  restored.entries =
      compose::parse_dotenv(text, "the backup's config/.env", session.options().env, false);
  const std::string named =
      project_name(make_stack_lookup(session.options().env, restored, session.home().root));
  if (named == installation) return text;
  warnings.push_back(
      fmt::format("the backup's .env names the project {}; the restored .env keeps this "
                  "installation's name, {} (set PROJECT_NAME before restoring to choose another)",
                  named, installation));
  return set_env_value_in_text(text, "PROJECT_NAME", installation);
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

}  // namespace

RestoreResult restore_backup(Session& session, const fs::path& backup,
                             const RestoreOptions& options) {
  RestoreResult result;
  auto& client = session.engine();
  const std::string installation = session.project_name();
  // Asked before the (long) verification, so a refusal comes at once; nothing changes until both
  // the answer and the verification are in. Only this installation's containers are ever stopped.
  std::vector<std::string> running;
  if (!options.validate_only) {
    running = projects_with_containers(client, installation);
    result.was_running = !running.empty();
    if (result.was_running && (!options.confirm_stop || !options.confirm_stop(installation)))
      throw Error(ExitCode::failed, "restore cancelled: the stack is running and was not stopped",
                  "stop it with `ollama-stack stop`, or pass --force to let restore stop it");
  }
  auto verified = verify_backup(backup, options.progress, /*for_restore=*/true);
  result.manifest = verified.manifest;
  result.compressed = verified.compressed;
  const auto& manifest = result.manifest;
  std::map<std::string, VolumeTarget> target_of;  // the backup's tar member -> where it goes
  std::optional<StackProject> ours;               // loaded only when volumes are restored
  if (options.include_volumes) {
    ours = project_for_names(session);  // a home `uninstall --all` emptied has no .env yet
    if (manifest.volumes.empty())
      throw Error(
          ExitCode::failed,
          fmt::format("backup {} holds no volumes (it was made without --include-volumes)",
                      backup.string()),
          "restore it without --include-volumes, or use a backup made with --include-volumes");
    for (auto& target : plan_volume_restore(manifest, ours->project))
      target_of[target.entry->archive] = target;
  }
  if (options.validate_only) {
    result.validated_only = true;
    return result;
  }

  for (const auto& project : running) {
    compose::DownOptions down;
    down.progress = options.progress;
    compose::down(client, project, down);
  }
  const bool extensions_ran =
      running.size() > 1 || (running.size() == 1 && running.front() != installation);

  const auto& home = session.home();
  RestoreUndo undo(client, installation);
  std::vector<std::pair<std::string, std::string>> config;  // written once the volumes are in
  std::string current;                                      // what is being restored, for messages
  try {
    for_each_member(
        backup, manifest, [&](const std::string& name, uint64_t size, const ByteReader& data) {
          if (options.cancelled && options.cancelled()) throw Interrupted();
          if (name.starts_with(kConfigPrefix)) {
            const std::string relative = name.substr(std::string(kConfigPrefix).size());
            std::string content = read_all(data, kConfigLimit, name);
            if (relative == ".env")
              content = keep_project_name(session, installation, content, result.warnings);
            config.emplace_back(relative, std::move(content));
            return;
          }
          auto target = target_of.find(name);
          if (target == target_of.end()) return;
          current = "volume " + target->second.name;
          const std::string image =
              image_for(session, ours->project, *target->second.entry, options);
          const std::string task = "volume:" + target->second.name;
          const auto total = static_cast<int64_t>(size);
          if (options.progress)
            options.progress({task, target->second.name, State::running,
                              "keeping its content aside, then restoring", 0, total});
          uint64_t sent = 0, reported = 0;
          undo.replace_volume(
              target->second, image,
              [&](char* buffer, size_t capacity) {
                if (options.cancelled && options.cancelled()) throw Interrupted();
                size_t got = data(buffer, capacity);
                sent += got;
                if (options.progress && (sent - reported >= (1u << 20) || got == 0)) {
                  reported = sent;
                  options.progress({task, target->second.name, State::running, "restoring",
                                    static_cast<int64_t>(sent), total});
                }
                return got;
              },
              options.cancelled);
          if (options.progress)
            options.progress({task, target->second.name, State::done, "restored", total, total});
          current.clear();
        });
    for (const auto& [relative, content] : config) {
      current = relative;
      const fs::path target = home.root / relative;
      fs::create_directories(target.parent_path());
      undo.write_config(target, content);
      result.restored_files.push_back(relative);
    }
    current.clear();
  } catch (const std::exception& cause) {
    // Everything goes back as it was — volumes, config, and the stack running if it ran.
    const auto replaced = undo.replaced_volumes();
    auto failures = undo.undo(nullptr);  // a second Ctrl-C is what stops this
    std::string restarted;
    if (result.was_running) {
      try {
        restart(session, options, extensions_ran, /*undoing=*/true);
        restarted = ", and the stack was started again";
      } catch (const std::exception& error) {
        failures.push_back(fmt::format("the stack could not be started again: {}", error.what()));
      }
    }
    std::string outcome;
    if (failures.empty()) {
      outcome = fmt::format("nothing was changed: {}, the config files are as they were{}",
                            replaced.empty()
                                ? "no volume had been replaced yet"
                                : fmt::format("{} hold{} their previous content again",
                                              joined(replaced), replaced.size() == 1 ? "s" : ""),
                            restarted);
    } else {
      std::string list;
      for (const auto& failure : failures) list += (list.empty() ? "" : "; ") + failure;
      outcome = "putting things back failed: " + list;
    }
    const auto* error = dynamic_cast<const Error*>(&cause);
    const ExitCode code = error != nullptr ? error->code() : ExitCode::failed;
    const std::string hint = error != nullptr && !error->hint().empty()
                                 ? error->hint()
                                 : "fix the cause and run the same restore again";
    if (code == ExitCode::interrupted)
      throw Interrupted(fmt::format("restore interrupted{}; {}",
                                    current.empty() ? "" : " while restoring " + current, outcome));
    throw Error(
        code,
        fmt::format("restore failed: {}{}; {}",
                    current.empty() ? "" : "restoring " + current + ": ", cause.what(), outcome),
        failures.empty() ? hint
                         : "put back what is listed by hand (`docker volume ls` shows the copies)");
  }
  result.restored_volumes = undo.replaced_volumes();
  for (auto& warning : undo.discard()) result.warnings.push_back(std::move(warning));
  if (result.was_running) restart(session, options, extensions_ran, /*undoing=*/false);
  return result;
}

}  // namespace ollama_stack::stack
