#pragma once
// `cleanup`: what this installation left lying around without uninstalling it — containers of its
// projects that are not running (orphans among them), volume-access helpers of an interrupted
// backup/restore/migrate, its networks no container uses, `.partial` backup folders and, on
// request, its volumes that nothing uses and that the stack does not declare. Facts are gathered
// from the engine and the disk, the choice is pure (select_cleanup), and the removal is shared
// with `uninstall` (remove_items).
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/engine/types.hpp"
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

struct CleanupItem {
  // image and config are uninstall's alone: cleanup never chooses them.
  enum class Kind { container, helper, network, volume, partial_backup, image, config };
  Kind kind = Kind::container;
  std::string
      name;  // container, network or volume name, image reference; the path of a folder or file
  std::string id;  // the engine's id ("" for volumes and folders)
  std::string reason;
};

// "container", "helper", "network", "volume", "partial-backup", "image", "config".
std::string to_string(CleanupItem::Kind kind);

struct CleanupFacts {
  std::string installation;  // the core project: the `ollama-stack.installation` label's value
  // The core project as the compose files say now; known = false when they could not be loaded.
  bool core_known = false;
  std::set<std::string> core_services;
  std::string core_working_dir;  // the label core containers of this home carry
  // Engine names of the volumes the core and its extensions declare, and the projects whose
  // declarations could not be read (their volumes are kept).
  std::set<std::string> declared_volumes;
  std::set<std::string> unreadable_projects;
  std::vector<engine::ContainerSummary> containers;    // every container on the engine
  std::vector<engine::NetworkInfo> networks;           // labelled with the installation
  std::vector<engine::VolumeInfo> volumes;             // labelled with the installation
  std::vector<std::filesystem::path> partial_backups;  // already known to be this installation's
};

struct CleanupPlan {
  std::string installation;
  std::vector<CleanupItem> items;  // what goes: containers first, then networks, volumes, folders
  std::vector<CleanupItem> kept;   // looked like leftovers but stay, with why
  std::vector<std::string> warnings;
};

// The choice, from facts alone. Never a running, paused or restarting container; never another
// installation's resource; with `remove_volumes` only volumes no container mounts, that no
// project of the installation declares and that hold no pre-restore copy.
CleanupPlan select_cleanup(const CleanupFacts& facts, bool remove_volumes);

// True for a folder name that `backup` stages under for `project` by default:
// "ollama-stack-backup-<project>-<YYYYMMDDTHHMMSSZ>[.tar.gz].partial".
bool is_default_partial_backup_name(const std::string& name, const std::string& project);

// The `.partial` folders directly in `dir` that a backup of `project` left: a default name, or
// any `*.partial` folder whose staged compose model (compose/project.json, or under content/)
// names `project`.
std::vector<std::filesystem::path> find_partial_backups(const std::filesystem::path& dir,
                                                        const std::string& project);

struct CleanupOptions {
  bool remove_volumes = false;
  std::filesystem::path backup_dir = ".";  // where `.partial` backup folders are looked for
};

// Gathers the facts and selects; changes nothing. Call it holding the stack lock, so no backup,
// restore or start is half-way (their helpers and partial folders would look like leftovers).
CleanupPlan plan_cleanup(Session& session, const CleanupOptions& options);

struct RemovalOptions {
  std::string verb = "cleanup";     // names the verb in the interruption message
  bool force_containers = false;    // uninstall: yes; cleanup: never, so a started one stays
  ProgressCallback progress;        // "<kind>:<name>" tasks
  std::function<bool()> cancelled;  // polled between removals
};

struct RemovalOutcome {
  bool removed = false;
  std::string error;  // why it could not be removed; "" when removed
};

// Removes each item in order (something already gone counts as removed) and says how each
// went, in the items' order. Throws Interrupted between two removals when cancelled.
std::vector<RemovalOutcome> remove_items(engine::Client& client,
                                         const std::vector<CleanupItem>& items,
                                         const RemovalOptions& options);

}  // namespace ollama_stack::stack
