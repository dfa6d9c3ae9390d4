// The pure part of `cleanup`: which of the installation's resources are leftovers, and which
// look like leftovers but stay (and why).
#include <fmt/format.h>

#include <cctype>

#include "ollama_stack/stack/backup/volume_access.hpp"
#include "ollama_stack/stack/cleanup/cleanup.hpp"
#include "ollama_stack/stack/labels.hpp"

namespace ollama_stack::stack {
namespace {

using Kind = CleanupItem::Kind;

std::string label(const engine::Labels& all, const char* key) {
  auto found = all.find(key);
  return found == all.end() ? std::string() : found->second;
}

// Only these are left behind by something that ended; running, paused, restarting and removing
// containers are someone's live work.
bool stopped(const std::string& state) {
  return state == "exited" || state == "dead" || state == "created";
}

std::string state_text(const engine::ContainerSummary& container) {
  return container.status.empty() ? container.state : container.status;
}

bool digits(const std::string& text, size_t from, size_t count) {
  if (text.size() < from + count) return false;
  for (size_t i = from; i < from + count; ++i)
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  return true;
}

// Containers first: removing them frees the networks and volumes they held.
void select_containers(const CleanupFacts& facts, CleanupPlan& plan,
                       std::set<std::string>& leaving) {
  for (const auto& container : facts.containers) {
    if (label(container.labels, labels::kInstallation) != facts.installation) continue;
    if (container.labels.count(kVolumeAccessLabel)) {
      const std::string volume = label(container.labels, kVolumeAccessLabel);
      if (!stopped(container.state)) {
        plan.kept.push_back(
            {Kind::helper, container.name, container.id,
             fmt::format("volume-access helper of volume {} is {}, which ollama-stack never does; "
                         "stop it first",
                         volume, container.state)});
        continue;
      }
      plan.items.push_back(
          {Kind::helper, container.name, container.id,
           fmt::format("helper of an interrupted backup, restore or migrate (volume {})", volume)});
      leaving.insert(container.id);
      continue;
    }
    const std::string project = label(container.labels, labels::kProject);
    const std::string service = label(container.labels, labels::kService);
    const bool core = project == facts.installation;
    const bool orphan = core && facts.core_known && !facts.core_services.count(service);
    if (!stopped(container.state)) {
      if (orphan)
        plan.kept.push_back(
            {Kind::container, container.name, container.id,
             fmt::format("orphaned (service {} is no longer in the project) but {}; stop it first",
                         service, container.state)});
      continue;
    }
    // The same project name from another home: its containers are that home's to clean.
    const std::string working_dir = label(container.labels, labels::kWorkingDir);
    if (core && !facts.core_working_dir.empty() && !working_dir.empty() &&
        working_dir != facts.core_working_dir) {
      plan.kept.push_back(
          {Kind::container, container.name, container.id,
           fmt::format("created from another home or compose folder ({}); clean it up from there",
                       working_dir)});
      continue;
    }
    plan.items.push_back({Kind::container, container.name, container.id,
                          orphan
                              ? fmt::format("orphaned: service {} is no longer in the project ({})",
                                            service, state_text(container))
                              : fmt::format("not running: {}", state_text(container))});
    leaving.insert(container.id);
  }
}

void select_networks(const CleanupFacts& facts, CleanupPlan& plan,
                     const std::set<std::string>& leaving) {
  std::set<std::string> used;  // by any container that stays, of any installation or none
  for (const auto& container : facts.containers)
    if (!leaving.count(container.id))
      used.insert(container.networks.begin(), container.networks.end());
  for (const auto& network : facts.networks) {
    if (label(network.labels, labels::kInstallation) != facts.installation ||
        used.count(network.name))
      continue;
    plan.items.push_back({Kind::network, network.name, network.id, "no container uses it"});
  }
}

void select_volumes(const CleanupFacts& facts, CleanupPlan& plan,
                    const std::set<std::string>& leaving) {
  std::set<std::string> mounted;
  for (const auto& container : facts.containers)
    if (!leaving.count(container.id))
      for (const auto& mount : container.mounts)
        if (mount.type == "volume") mounted.insert(mount.name);
  for (const auto& volume : facts.volumes) {
    if (label(volume.labels, labels::kInstallation) != facts.installation ||
        mounted.count(volume.name))
      continue;
    const std::string project = label(volume.labels, labels::kProject);
    std::string why;
    if (volume.labels.count(kPreRestoreLabel))
      why = fmt::format(
          "holds volume {}'s content from before an interrupted restore; check that volume, then "
          "remove this one with `docker volume rm {}`",
          label(volume.labels, kPreRestoreLabel), volume.name);
    else if (!facts.core_known)
      why =
          "the stack's compose files could not be loaded, so it cannot be told apart from the "
          "stack's own volumes";
    else if (facts.declared_volumes.count(volume.name))
      why = "declared by the stack (its data); only `uninstall --remove-volumes` deletes it";
    else if (!project.empty() && facts.unreadable_projects.count(project))
      why = fmt::format("project {} could not be read, so it may declare this volume", project);
    if (why.empty())
      plan.items.push_back({Kind::volume, volume.name, "",
                            "no container uses it and no project of the installation declares it"});
    else
      plan.kept.push_back({Kind::volume, volume.name, "", why});
  }
}

}  // namespace

std::string to_string(CleanupItem::Kind kind) {
  switch (kind) {
    case Kind::container:
      return "container";
    case Kind::helper:
      return "helper";
    case Kind::network:
      return "network";
    case Kind::volume:
      return "volume";
    case Kind::partial_backup:
      return "partial-backup";
    case Kind::image:
      return "image";
    case Kind::config:
      return "config";
  }
  return "container";
}

CleanupPlan select_cleanup(const CleanupFacts& facts, bool remove_volumes) {
  CleanupPlan plan;
  plan.installation = facts.installation;
  std::set<std::string> leaving;  // ids of the containers chosen
  select_containers(facts, plan, leaving);
  select_networks(facts, plan, leaving);
  if (remove_volumes) select_volumes(facts, plan, leaving);
  for (const auto& path : facts.partial_backups)
    plan.items.push_back(
        {Kind::partial_backup, path.string(), "", "what an interrupted backup was writing"});
  return plan;
}

bool is_default_partial_backup_name(const std::string& name, const std::string& project) {
  const std::string prefix = "ollama-stack-backup-" + project + "-";
  if (!name.starts_with(prefix)) return false;
  // The stamp "YYYYMMDDTHHMMSSZ" right after the project keeps "<project>-2"'s folders apart.
  const size_t at = prefix.size();
  if (!digits(name, at, 8) || name.size() < at + 16 || name[at + 8] != 'T' ||
      !digits(name, at + 9, 6) || name[at + 15] != 'Z')
    return false;
  const std::string rest = name.substr(at + 16);
  return rest == ".partial" || rest == ".tar.gz.partial";
}

}  // namespace ollama_stack::stack
