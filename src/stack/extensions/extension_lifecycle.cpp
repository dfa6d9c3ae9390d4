// enable/disable (the state file) and start/stop of one extension or of all of them.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/stack/extensions/extension_project.hpp"
#include "ollama_stack/stack/extensions/extensions.hpp"
#include "ollama_stack/stack/home/env_file.hpp"
#include "ollama_stack/stack/home/state_file.hpp"
#include "ollama_stack/stack/home/variable_lookup.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/stack/mcp/mcp_config.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {


bool is_enabled(const StackState& state, const std::string& name) {
  return std::find(state.enabled_extensions.begin(), state.enabled_extensions.end(), name) !=
         state.enabled_extensions.end();
}

bool project_exists(engine::Client& client, const std::string& project) {
  return !client.list_containers(compose::project_filter(project), true).empty();
}

// Why the extension cannot start here (platform, required variables); "" when it can.
std::string why_not_runnable(Session& session, const Extension& extension) {
  std::string why;
  if (!supports_platform(extension.manifest, session.platform().platform, &why))
    return fmt::format("extension {} cannot run on this machine: {}", extension.manifest.name, why);
  const auto lookup = make_stack_lookup(
      session.options().env, read_env_file(session.home().env_file(), session.options().env),
      session.home().root);
  for (const auto& variable : extension.manifest.requirements.env) {
    auto value = lookup(variable);
    if (!value || value->empty())
      return fmt::format("extension {} needs the variable {}, which is not set",
                         extension.manifest.name, variable);
  }
  return {};
}

// The proxy's config is rewritten after the containers change: one that would be refused then
// (corrupt, or left with no server once the extensions leave it) is refused before anything
// changes.
void refuse_corrupt_mcp_config(Session& session, bool extensions_leave = false) {
  const auto path = session.home().mcp_config();
  const auto current = read_mcp_config(path);
  if (!extensions_leave) return;
  std::set<std::string> names;
  for (const auto& extension : discover_extensions(session.home()).extensions)
    names.insert(extension.manifest.name);
  for (const auto& name : load_state(session.home().state_file()).enabled_extensions)
    names.insert(name);
  require_mcp_servers(desired_mcp_servers(current, names, {}), path);
}

}  // namespace

std::vector<WiredServer> planned_wired_servers(Session& session) {
  std::vector<WiredServer> servers;
  const auto state = load_state(session.home().state_file());
  const auto catalog = discover_extensions(session.home());
  const std::string core = session.project_name();
  for (const auto& name : state.enabled_extensions) {
    const auto* extension = catalog.find(name);
    if (!extension || !why_not_runnable(session, *extension).empty()) continue;
    const auto loaded = load_extension_project(*extension, session.home(), session.options().env,
                                               session.platform().platform, core);
    const auto& service = loaded.project.services.at(extension->manifest.mcp.service);
    servers.push_back(
        {name, extension->manifest.mcp.transport,
         mcp_url(compose::container_name(loaded.project, service), extension->manifest.mcp)});
  }
  return servers;
}

EnableResult enable_extension(Session& session, const std::string& name) {
  const auto catalog = discover_extensions(session.home());
  require_extension(catalog, name);
  auto state = load_state(session.home().state_file());
  EnableResult result;
  if (is_enabled(state, name)) return result;
  state.enabled_extensions.push_back(name);
  std::sort(state.enabled_extensions.begin(), state.enabled_extensions.end());
  save_state(session.home().state_file(), state);
  result.changed = true;
  return result;
}

EnableResult disable_extension(Session& session, const std::string& name,
                               const DisableOptions& options) {
  // The MCP config is rewritten last: a home that cannot hold it fails here, before the
  // extension is stopped or the state changes.
  if (!std::filesystem::is_directory(session.home().mcp_dir()))
    throw Error(ExitCode::failed,
                fmt::format("{} is missing, so the MCP config cannot be rewritten; nothing was changed",
                            session.home().mcp_dir().string()),
                "run `ollama-stack check --fix` (or `ollama-stack install`) to create it, then disable again");
  refuse_corrupt_mcp_config(session, true);
  auto state = load_state(session.home().state_file());
  const auto catalog = discover_extensions(session.home());
  const std::string project = extension_project_name(session.project_name(), name);
  const bool exists = project_exists(session.engine(), project);
  // Its volumes outlive its containers: --remove-volumes removes them after a stop too.
  const bool has_volumes = options.remove_volumes &&
                           !session.engine().list_volumes(compose::project_filter(project)).empty();
  if (!is_enabled(state, name) && !exists && !has_volumes) {
    require_extension(catalog, name);  // an unknown name is an error, a known disabled one is fine
    return {};
  }
  EnableResult result;
  if (exists || has_volumes) {
    ExtensionStopOptions stop;
    stop.stop_timeout_seconds = options.stop_timeout_seconds;
    stop.remove_volumes = options.remove_volumes;
    stop.progress = options.progress;
    stop.sync_proxy = false;  // after the state changes, so the config and the state agree
    auto stopped = stop_extension(session, name, stop);
    result.stopped = stopped.was_running;
    result.removed = std::move(stopped.removed);
  }
  if (is_enabled(state, name)) {
    std::erase(state.enabled_extensions, name);
    save_state(session.home().state_file(), state);
    result.changed = true;
  }
  McpSyncOptions sync;
  sync.progress = options.progress;
  result.mcp = sync_mcp_proxy(session, sync);
  return result;
}

void require_startable(Session& session, const std::string& name) {
  const auto catalog = discover_extensions(session.home());
  const auto& extension = require_extension(catalog, name);
  const auto state = load_state(session.home().state_file());
  if (!is_enabled(state, name))
    throw Error(
        ExitCode::failed, fmt::format("extension {} is not enabled", name),
        fmt::format("enable it with `ollama-stack extensions enable {}`, then start it", name));
  const std::string core = session.project_name();
  if (!core_running(session.engine(), core))
    throw Error(
        ExitCode::failed,
        fmt::format("the stack ({}) is not running, and extension {} runs beside it on its network",
                    core, name),
        "start the stack with `ollama-stack start` (it starts the enabled extensions too)");
  if (auto why = why_not_runnable(session, extension); !why.empty())
    throw Error(ExitCode::failed, why, fmt::format("see `ollama-stack extensions info {}`", name));
}

ExtensionStartResult restart_extension(Session& session, const std::string& name,
                                       const ExtensionStartOptions& options) {
  require_startable(session, name);
  ExtensionStopOptions stop;
  stop.progress = options.progress;
  stop.sync_proxy = false;  // the start below rewires (and reconnects) the proxy once
  stop_extension(session, name, stop);
  return start_extension(session, name, options);
}

ExtensionStartResult start_extension(Session& session, const std::string& name,
                                     const ExtensionStartOptions& options) {
  require_startable(session, name);
  if (options.sync_proxy) refuse_corrupt_mcp_config(session);
  const auto catalog = discover_extensions(session.home());
  const auto& extension = require_extension(catalog, name);
  const std::string core = session.project_name();
  auto loaded = load_extension_project(extension, session.home(), session.options().env,
                                       session.platform(), core);
  materialize_extension(extension, session.home());
  compose::ApplyOptions apply_options;
  apply_options.plan.extra_labels = extension_labels(core, name);
  apply_options.progress = options.progress;
  apply_options.cancelled = options.cancelled;
  ExtensionStartResult result;
  result.name = name;
  result.project = loaded.project.name;
  result.applied = compose::apply(session.engine(), loaded.project, apply_options);
  if (options.wait) {
    try {
      wait_project_healthy(session.engine(), loaded.project.name, session.url_host(),
                           {options.timeout, options.progress, options.cancelled});
    } catch (const Interrupted&) {
      leave_interrupted_wait(session.engine(), loaded.project.name, result.applied,
                             "extension " + name);
    }
  }
  if (options.sync_proxy) {
    McpSyncOptions sync;
    sync.progress = options.progress;
    sync.timeout = options.timeout;
    sync.cancelled = options.cancelled;
    // A recreated MCP server drops the proxy's connection to it: reconnect even if the URL is the
    // same.
    for (const auto& service : result.applied.services)
      if (service.service == extension.manifest.mcp.service &&
          service.action != compose::ServiceAction::none)
        sync.force_restart = true;
    result.mcp = sync_mcp_proxy(session, sync);
  }
  return result;
}

ExtensionStopResult stop_extension(Session& session, const std::string& name,
                                   const ExtensionStopOptions& options) {
  if (options.sync_proxy) refuse_corrupt_mcp_config(session, true);
  ExtensionStopResult result;
  result.name = name;
  const std::string project = extension_project_name(session.project_name(), name);
  for (const auto& container :
       session.engine().list_containers(compose::project_filter(project), false))
    if (container.state == "running") result.was_running = true;
  compose::DownOptions down;
  down.stop_timeout_seconds = options.stop_timeout_seconds;
  down.remove_volumes = options.remove_volumes;
  down.progress = options.progress;
  result.removed = compose::down(session.engine(), project, down);
  if (options.sync_proxy) {
    McpSyncOptions sync;
    sync.restart_proxy = options.restart_proxy;
    sync.progress = options.progress;
    result.mcp = sync_mcp_proxy(session, sync);
  }
  return result;
}

EnabledStartReport start_enabled_extensions(Session& session,
                                            const ExtensionStartOptions& options) {
  EnabledStartReport report;
  const auto state = load_state(session.home().state_file());
  const auto catalog = discover_extensions(session.home());
  auto each = options;
  each.sync_proxy = false;
  bool recreated_server = false;
  for (const auto& name : state.enabled_extensions) {
    const auto* extension = catalog.find(name);
    if (!extension) {
      const auto* invalid = catalog.find_invalid(name);
      report.skipped.push_back(
          invalid ? fmt::format("extension {} was not started: {}", name, invalid->error)
                  : fmt::format("extension {} is enabled but not installed", name));
      continue;
    }
    if (auto why = why_not_runnable(session, *extension); !why.empty()) {
      report.skipped.push_back(why);
      continue;
    }
    auto started = start_extension(session, name, each);
    for (const auto& service : started.applied.services)
      if (service.service == extension->manifest.mcp.service &&
          service.action != compose::ServiceAction::none)
        recreated_server = true;
    report.started.push_back(std::move(started));
  }
  McpSyncOptions sync;
  sync.progress = options.progress;
  sync.timeout = options.timeout;
  sync.cancelled = options.cancelled;
  sync.force_restart = recreated_server;
  report.mcp = sync_mcp_proxy(session, sync);
  return report;
}

std::vector<ExtensionStopResult> stop_all_extensions(Session& session,
                                                     const ExtensionStopOptions& options) {
  if (options.sync_proxy) refuse_corrupt_mcp_config(session, true);
  const std::string core = session.project_name();
  std::set<std::string> names;
  for (const auto& container : session.engine().list_containers(
           labels::installation_filter(core, kExtensionComponent), true)) {
    auto it = container.labels.find(kExtensionLabel);
    if (it != container.labels.end()) names.insert(it->second);
  }
  std::vector<ExtensionStopResult> results;
  auto each = options;
  each.sync_proxy = false;
  for (const auto& name : names) results.push_back(stop_extension(session, name, each));
  if (options.sync_proxy) {
    McpSyncOptions sync;
    sync.restart_proxy = options.restart_proxy;
    sync.progress = options.progress;
    auto mcp = sync_mcp_proxy(session, sync);
    if (!results.empty()) results.back().mcp = std::move(mcp);
  }
  return results;
}

std::vector<UpdateTarget> extension_update_targets(Session& session) {
  std::map<std::string, UpdateTarget> by_reference;
  const auto state = load_state(session.home().state_file());
  const auto catalog = discover_extensions(session.home());
  for (const auto& name : state.enabled_extensions) {
    const auto* extension = catalog.find(name);
    if (!extension || !why_not_runnable(session, *extension).empty()) continue;
    auto loaded = load_extension_project(*extension, session.home(), session.options().env,
                                         session.platform(), session.project_name());
    for (const auto& [service_name, service] : loaded.project.services) {
      if (service.image.empty() || service.build) continue;  // built here: nothing to pull
      auto& target = by_reference[service.image];
      target.reference = service.image;
      target.extension = true;
      target.services.push_back(name + "/" + service_name);
    }
  }
  std::vector<UpdateTarget> targets;
  for (auto& [reference, target] : by_reference) targets.push_back(std::move(target));
  return targets;
}

}  // namespace ollama_stack::stack
