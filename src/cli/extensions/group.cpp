// `ollama-stack extensions`: the group, and what its verbs share.
#include <fmt/format.h>

#include <sstream>

#include "ollama_stack/cli/extension_verbs.hpp"
#include "ollama_stack/cli/table.hpp"
#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {

nlohmann::json mcp_sync_json(const stack::McpSyncResult& sync) {
  nlohmann::json servers = nlohmann::json::array();
  for (const auto& server : sync.servers) servers.push_back(server.name);
  return {{"config_changed", sync.config_changed},
          {"proxy_restarted", sync.proxy_restarted},
          {"webui_recreated", sync.webui_recreated},
          {"servers", servers}};
}

std::string mcp_sync_text(const stack::McpSyncResult& sync) {
  if (sync.proxy_restarted && sync.webui_recreated)
    return "The MCP proxy was restarted with the new tool servers, and Open WebUI with their list.";
  if (sync.webui_recreated) return "Open WebUI was restarted with the new list of tool servers.";
  if (sync.proxy_restarted) return "The MCP proxy was restarted with the new tool servers.";
  if (sync.config_changed) return "The MCP proxy's config was updated.";
  return {};
}

nlohmann::json extension_status_json(const stack::ExtensionStatus& status) {
  return {
      {"name", status.name},
      {"project", status.project},
      {"enabled", status.enabled},
      {"running", status.running},
      {"supported", status.supported},
      {"health", status.health.empty() ? nlohmann::json(nullptr) : nlohmann::json(status.health)},
      {"reason", status.reason},
      {"containers", status.containers},
      {"mcp_url",
       status.mcp_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(status.mcp_url)},
      {"wired", status.wired},
      {"served", status.served},
      {"webui_configured", status.webui_configured ? nlohmann::json(*status.webui_configured)
                                                   : nlohmann::json(nullptr)},
      {"fix", status.fix.empty() ? nlohmann::json(nullptr) : nlohmann::json(status.fix)}};
}

nlohmann::json tool_servers_json(const stack::ToolServersReport& report) {
  auto optional = [](const std::optional<bool>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  };
  nlohmann::json servers = nlohmann::json::array();
  for (const auto& server : report.servers)
    servers.push_back({{"name", server.name},
                       {"url", server.url},
                       {"extension", server.extension.empty() ? nlohmann::json(nullptr)
                                                              : nlohmann::json(server.extension)},
                       {"served", optional(server.served)},
                       {"webui_configured", optional(server.webui)}});
  return {{"webui_source", stack::to_string(report.webui.source)},
          {"webui_detail", report.webui.detail},
          {"servers", servers},
          {"fix", report.fix.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.fix)}};
}

std::string render_tool_servers(Context& context, const stack::ToolServersReport& report) {
  if (report.servers.empty() && report.fix.empty()) return {};
  const auto caps = context.caps_out();
  Style style(caps);
  Table table({{"TOOL SERVER"}, {"URL (FROM OPEN WEBUI)"}, {"MCP PROXY"}, {"OPEN WEBUI"}});
  auto word = [&](const std::optional<bool>& value, const char* yes, const char* no) {
    if (!value) return std::string("-");
    return *value ? style.green(yes) : style.yellow(no);
  };
  for (const auto& server : report.servers)
    table.add_row({server.name, server.url, word(server.served, "served", "not served"),
                   word(server.webui, "configured", "not configured")});
  std::ostringstream out;
  out << "\n";
  table.render(out, caps);
  if (!report.fix.empty()) out << style.yellow("fix: ") << report.fix << "\n";
  return out.str();
}

nlohmann::json extension_statuses_json(const stack::ExtensionsOverview& overview) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& status : overview.extensions) list.push_back(extension_status_json(status));
  return list;
}

std::string render_extension_statuses(Context& context, const stack::ExtensionsOverview& overview) {
  bool any = false;
  for (const auto& status : overview.extensions) any = any || status.enabled || status.running;
  if (!any) return {};
  const auto caps = context.caps_out();
  Style style(caps);
  Table table({{"EXTENSION"}, {"ENABLED"}, {"STATE"}, {"HEALTH"}, {"PROXY"}, {"OPEN WEBUI"}});
  for (const auto& status : overview.extensions) {
    if (!status.enabled && !status.running) continue;
    std::string health = status.health.empty() ? "-" : status.health;
    if (status.health == "healthy")
      health = style.green(health);
    else if (!status.health.empty() && status.running)
      health = style.yellow(health);
    const std::string proxy = status.served ? "served" : status.wired ? "not served" : "-";
    const std::string webui = !status.webui_configured   ? "-"
                              : *status.webui_configured ? "configured"
                                                         : style.yellow("not configured");
    table.add_row({status.name, status.enabled ? "yes" : "no",
                   status.running ? "running" : "stopped", health, proxy, webui});
  }
  std::ostringstream out;
  out << "\n";
  table.render(out, caps);
  return out.str();
}

nlohmann::json enabled_start_json(const std::optional<stack::EnabledStartReport>& report) {
  if (!report) return nullptr;
  nlohmann::json started = nlohmann::json::array();
  for (const auto& one : report->started)
    started.push_back(
        {{"name", one.name}, {"project", one.project}, {"changed", one.applied.changed}});
  return {{"started", started}, {"skipped", report->skipped}, {"mcp", mcp_sync_json(report->mcp)}};
}

void render_enabled_start(Context& context,
                          const std::optional<stack::EnabledStartReport>& report) {
  if (!report) return;
  for (const auto& skipped : report->skipped) context.err() << "warning: " << skipped << "\n";
  if (report->started.empty()) return;
  std::string names;
  for (const auto& one : report->started) names += (names.empty() ? "" : ", ") + one.name;
  context.out() << fmt::format("  {:<12} {}\n", "Extensions", names);
  if (auto line = mcp_sync_text(report->mcp); !line.empty()) context.out() << line << "\n";
}

void register_extensions(CLI::App& app, Context& context) {
  auto* group = app.add_subcommand("extensions",
                                   "List, enable, start and stop MCP extensions (tool servers "
                                   "beside the stack, served by its MCP proxy)");
  group->require_subcommand(1);
  register_extensions_list(*group, context);
  register_extensions_info(*group, context);
  register_extensions_enable(*group, context);
  register_extensions_disable(*group, context);
  register_extensions_start(*group, context);
  register_extensions_stop(*group, context);
}

}  // namespace ollama_stack::cli
