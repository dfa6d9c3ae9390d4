// `cleanup`'s facts (engine and disk) and the removal it shares with `uninstall`.
#include "ollama_stack/stack/cleanup/cleanup.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "home/project_for_names.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/extensions/extension_catalog.hpp"
#include "ollama_stack/stack/extensions/extension_project.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;
using Kind = CleanupItem::Kind;
using State = ProgressUpdate::State;

// The project name in a staged backup's compose model; "" when there is none to read.
std::string staged_project(const fs::path& staging) {
  for (const auto& model :
       {staging / "compose" / "project.json", staging / "content" / "compose" / "project.json"}) {
    std::ifstream in(model);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    auto json = nlohmann::json::parse(text.str(), nullptr, false);
    if (json.is_object() && json.contains("name") && json["name"].is_string()) return json["name"];
  }
  return {};
}

// The volumes the core's extensions declare; an extension whose files cannot be read makes its
// project "unreadable", so its volumes are kept.
void add_extension_volumes(Session& session, CleanupFacts& facts,
                           std::vector<std::string>& warnings) {
  const auto catalog = discover_extensions(session.home());
  for (const auto& invalid : catalog.invalid)
    facts.unreadable_projects.insert(extension_project_name(facts.installation, invalid.name));
  for (const auto& extension : catalog.extensions) {
    try {
      const auto loaded = load_extension_project(extension, session.home(), session.options().env,
                                                 session.platform(), facts.installation);
      for (const auto& [key, volume] : loaded.project.volumes)
        if (!volume.external) facts.declared_volumes.insert(volume.name);
    } catch (const ConfigError& error) {
      facts.unreadable_projects.insert(
          extension_project_name(facts.installation, extension.manifest.name));
      warnings.push_back(fmt::format("extension {} could not be loaded ({}); its volumes are kept",
                                     extension.manifest.name, error.what()));
    }
  }
}

void remove_one(engine::Client& client, const CleanupItem& item, bool force_containers) {
  try {
    switch (item.kind) {
      case Kind::container:
      case Kind::helper:
        client.remove_container(item.id.empty() ? item.name : item.id, force_containers, false);
        return;
      case Kind::network:
        client.remove_network(item.id.empty() ? item.name : item.id);
        return;
      case Kind::volume:
        client.remove_volume(item.name, false);
        return;
      case Kind::image:
        client.remove_image(item.name, false);
        return;
      case Kind::partial_backup:
      case Kind::config:
        fs::remove_all(item.name);
        return;
    }
  } catch (const engine::EngineError& error) {
    if (error.kind() != engine::EngineError::Kind::not_found)
      throw;  // already gone: what was wanted
  }
}

}  // namespace

std::vector<fs::path> find_partial_backups(const fs::path& dir, const std::string& project) {
  std::vector<fs::path> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(fs::absolute(dir).lexically_normal(), error)) {
    const std::string name = entry.path().filename().string();
    // A symlink is never followed: removing it would reach into whatever it points at.
    if (!name.ends_with(".partial") || entry.is_symlink() || !entry.is_directory()) continue;
    if (is_default_partial_backup_name(name, project) || staged_project(entry.path()) == project)
      found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

CleanupPlan plan_cleanup(Session& session, const CleanupOptions& options) {
  auto& client = session.engine();
  CleanupFacts facts;
  std::vector<std::string> warnings;  // met while gathering
  facts.installation = session.project_name();
  try {
    const auto loaded = project_for_names(session);
    const auto& project = loaded.project;
    facts.core_known = true;
    for (const auto& [name, service] : project.services) facts.core_services.insert(name);
    facts.core_working_dir = project.working_dir;
    for (const auto& [key, volume] : project.volumes)
      if (!volume.external) facts.declared_volumes.insert(volume.name);
  } catch (const ConfigError& error) {
    warnings.push_back(
        fmt::format("the stack's compose files could not be loaded ({}): orphans are not told "
                    "apart and no volume is removed",
                    error.what()));
  }
  const engine::Filters ours = labels::installation_filter(facts.installation);
  facts.containers = client.list_containers({}, true);
  facts.networks = client.list_networks(ours);
  if (options.remove_volumes) {
    if (facts.core_known) add_extension_volumes(session, facts, warnings);
    facts.volumes = client.list_volumes(ours);
  }
  facts.partial_backups = find_partial_backups(options.backup_dir, facts.installation);
  auto plan = select_cleanup(facts, options.remove_volumes);
  plan.warnings.insert(plan.warnings.begin(), warnings.begin(), warnings.end());
  return plan;
}

std::vector<RemovalOutcome> remove_items(engine::Client& client,
                                         const std::vector<CleanupItem>& items,
                                         const RemovalOptions& options) {
  std::vector<RemovalOutcome> outcomes;
  for (const auto& item : items) {
    if (options.cancelled && options.cancelled())
      throw Interrupted(
          fmt::format("{} interrupted before it removed {}; what was removed before stays removed",
                      options.verb, item.name),
          fmt::format("run `ollama-stack {}` again to remove the rest", options.verb));
    const std::string task = to_string(item.kind) + ":" + item.name;
    if (options.progress) options.progress({task, item.name, State::running, "removing", 0, 0});
    auto& outcome = outcomes.emplace_back();
    try {
      remove_one(client, item, options.force_containers);
      outcome.removed = true;
      if (options.progress) options.progress({task, item.name, State::done, "removed", 0, 0});
    } catch (const std::exception& error) {
      outcome.error = error.what();
      if (options.progress) options.progress({task, item.name, State::failed, error.what(), 0, 0});
    }
  }
  return outcomes;
}

}  // namespace ollama_stack::stack
