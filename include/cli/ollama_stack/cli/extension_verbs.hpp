#pragma once
// The `extensions` group: one file per verb in src/cli/extensions/, registered by
// register_extensions() (src/cli/extensions/group.cpp), and what those verbs share.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <optional>

#include "ollama_stack/cli/context.hpp"
#include "ollama_stack/stack/extensions/extensions.hpp"

namespace ollama_stack::cli {

void register_extensions_list(CLI::App& group, Context& context);
void register_extensions_info(CLI::App& group, Context& context);
void register_extensions_enable(CLI::App& group, Context& context);
void register_extensions_disable(CLI::App& group, Context& context);
void register_extensions_start(CLI::App& group, Context& context);  // also `restart`
void register_extensions_stop(CLI::App& group, Context& context);

// {"config_changed", "proxy_restarted", "servers": [names]}.
nlohmann::json mcp_sync_json(const stack::McpSyncResult& sync);
// One line for people about what the proxy sync did ("" when nothing changed).
std::string mcp_sync_text(const stack::McpSyncResult& sync);

// One extension's status: name, project, enabled, running, health, mcp_url, wired, served...
nlohmann::json extension_status_json(const stack::ExtensionStatus& status);
// The `extensions` array of `status --json`.
nlohmann::json extension_statuses_json(const stack::ExtensionsOverview& overview);
// The extensions table under `status` ("" when there are no extensions).
std::string render_extension_statuses(Context& context, const stack::ExtensionsOverview& overview);

// The `tool_servers` object of `status --json`: Open WebUI's source and each server of the MCP
// config (served by mcpo, configured in Open WebUI), with the fix when they disagree.
nlohmann::json tool_servers_json(const stack::ToolServersReport& report);
// The tool-server table under `status` ("" when there is none).
std::string render_tool_servers(Context& context, const stack::ToolServersReport& report);

// What `start` reports about the enabled extensions it started (null: --no-extensions).
nlohmann::json enabled_start_json(const std::optional<stack::EnabledStartReport>& report);
void render_enabled_start(Context& context, const std::optional<stack::EnabledStartReport>& report);

}  // namespace ollama_stack::cli
