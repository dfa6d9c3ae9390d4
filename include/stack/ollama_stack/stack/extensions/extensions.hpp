#pragma once
// The extensions of an installation as a user sees them: which exist, which are enabled (in
// .ollama-stack.json), which run (their own compose project beside the core, on its network) and
// whether the MCP proxy serves them; and the verbs that change that. Callers hold lock_stack()
// around the functions that change anything. Nothing here prints.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/stack/extensions/extension_catalog.hpp"
#include "ollama_stack/stack/extensions/extension_mcp.hpp"
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/stack/mcp/tool_servers.hpp"
#include "ollama_stack/stack/update.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

struct ExtensionStatus {
  std::string name;
  const Extension* extension = nullptr;  // null: running but no longer installed
  std::string project;                   // its compose project
  bool enabled = false;
  bool running = false;   // at least one of its containers runs
  bool supported = true;  // on this platform
  std::string unsupported_reason;
  std::string health;  // "healthy", "starting", "unhealthy", "stopped" (only with health assessed)
  std::string reason;  // why not healthy
  std::vector<std::string> containers;  // names
  std::string mcp_url;                  // where the proxy reaches it ("" when not running)
  bool wired = false;                   // <home>/mcp/config.json lists it with that URL
  bool served = false;                  // wired, and mcpo answers /<name>/openapi.json
  std::optional<bool> webui_configured;  // Open WebUI has a connection to it; nullopt: unknown
  std::string fix;                       // served but not in Open WebUI: what to do
};

struct ExtensionsOverview {
  ExtensionCatalog catalog;
  std::string core_project;
  bool core_running = false;
  bool proxy_running = false;
  ToolServersReport tools;  // every server of the MCP config: served by mcpo, used by Open WebUI
  std::vector<ExtensionStatus> extensions;  // every valid one by name, then unknown running ones
};

struct OverviewOptions {
  bool health = false;  // inspect and probe every running extension container
};

ExtensionsOverview extensions_overview(Session& session, const OverviewOptions& options = {});

// Whether any container of the core project runs (and which one is the proxy).
bool core_running(engine::Client& client, const std::string& core_project);

struct EnableResult {
  bool changed = false;  // false: already enabled / already disabled
  bool stopped = false;  // disable: it was running and was stopped
  compose::DownResult removed;
  McpSyncResult mcp;
};

// Records the extension as enabled (it must exist and be valid). Throws like require_extension.
EnableResult enable_extension(Session& session, const std::string& name);

struct DisableOptions {
  bool remove_volumes = false;
  int stop_timeout_seconds = -1;
  ProgressCallback progress;
};
// Stops it first when it runs (volumes kept unless remove_volumes), rewires the proxy, then
// records it as disabled. A name that is enabled but no longer installed can be disabled.
EnableResult disable_extension(Session& session, const std::string& name,
                               const DisableOptions& options);

struct ExtensionStartOptions {
  bool wait = true;
  std::chrono::seconds timeout{600};
  ProgressCallback progress;
  std::function<bool()> cancelled;
  bool sync_proxy = true;  // false: the caller syncs once after starting several
};

struct ExtensionStartResult {
  std::string name;
  std::string project;
  compose::ApplyResult applied;
  McpSyncResult mcp;
};

// Starts an enabled, supported extension while the core runs: its project is applied on the
// core's network, its health waited for, then the proxy rewired. Throws Error(failed) with the
// command to run when it is not enabled, when the core is not running, or when the platform or
// a required variable is missing; nothing is changed then.
ExtensionStartResult start_extension(Session& session, const std::string& name,
                                     const ExtensionStartOptions& options);

// The checks start_extension makes before changing anything; throws the same errors.
void require_startable(Session& session, const std::string& name);

struct ExtensionStopOptions {
  int stop_timeout_seconds = -1;
  bool remove_volumes = false;
  bool sync_proxy = true;
  bool restart_proxy = true;  // false: the core is stopping too, only the file is rewritten
  ProgressCallback progress;
};

struct ExtensionStopResult {
  std::string name;
  bool was_running = false;
  compose::DownResult removed;
  McpSyncResult mcp;
};

// `extensions restart`: checked first, so a refused restart changes nothing; stopped without
// rewiring the proxy, then started, which rewires (and reconnects) it once.
ExtensionStartResult restart_extension(Session& session, const std::string& name,
                                       const ExtensionStartOptions& options);

// Stops and removes the extension's containers (its project only; the core is never touched),
// then rewires the proxy.
ExtensionStopResult stop_extension(Session& session, const std::string& name,
                                   const ExtensionStopOptions& options);

struct EnabledStartReport {
  std::vector<ExtensionStartResult> started;
  std::vector<std::string>
      skipped;  // one sentence each: unsupported, not installed, missing variable
  McpSyncResult mcp;
};

// The servers `start` will wire: every enabled extension that can run here, at the URL its MCP
// service's container will have. `start` writes the config with them before the core starts, so
// Open WebUI is created once with its final tool servers.
std::vector<WiredServer> planned_wired_servers(Session& session);

// `start` of the whole stack: every enabled extension that can run here, then one proxy sync.
EnabledStartReport start_enabled_extensions(Session& session, const ExtensionStartOptions& options);

// `stop` of the whole stack: every extension project of this installation (enabled or not), then
// the config rewritten without them (the proxy is not restarted: it is stopping).
std::vector<ExtensionStopResult> stop_all_extensions(Session& session,
                                                     const ExtensionStopOptions& options);

// The images `update` pulls for the enabled extensions that can run here (services named
// "<extension>/<service>"); images an extension builds are not pulled.
std::vector<UpdateTarget> extension_update_targets(Session& session);

}  // namespace ollama_stack::stack
