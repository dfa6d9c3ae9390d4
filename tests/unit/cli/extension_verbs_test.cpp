// What the extension verbs share: the status table and JSON of extensions, the MCP sync lines.
#include "ollama_stack/cli/extension_verbs.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace ollama_stack::cli {
namespace {

stack::ExtensionsOverview overview() {
  stack::ExtensionsOverview result;
  stack::ExtensionStatus served;
  served.name = "fetch";
  served.project = "core-ext-fetch";
  served.enabled = true;
  served.running = true;
  served.health = "healthy";
  served.containers = {"core-ext-fetch-fetch-1"};
  served.mcp_url = "http://core-ext-fetch-fetch-1:8000/sse";
  served.wired = true;
  served.served = true;
  served.webui_configured = true;
  stack::ExtensionStatus stopped;
  stopped.name = "search";
  stopped.project = "core-ext-search";
  stopped.enabled = true;
  stopped.health = "stopped";
  stack::ExtensionStatus idle;  // neither enabled nor running: not in the status table
  idle.name = "idle";
  result.extensions = {served, stopped, idle};
  return result;
}

TEST(ExtensionVerbs, StatusTableListsEnabledOrRunningOnes) {
  std::ostringstream out, err;
  Context context(out, err, [](std::string_view) -> std::optional<std::string> { return std::nullopt; });
  EXPECT_EQ(render_extension_statuses(context, overview()),
            "\n"
            "EXTENSION  ENABLED  STATE    HEALTH   PROXY   OPEN WEBUI\n"
            "fetch      yes      running  healthy  served  configured\n"
            "search     yes      stopped  stopped  -       -\n");
  EXPECT_EQ(render_extension_statuses(context, {}), "");
}

TEST(ExtensionVerbs, StatusJson) {
  auto json = extension_statuses_json(overview());
  ASSERT_EQ(json.size(), 3u);
  EXPECT_EQ(json[0],
            nlohmann::json::parse(R"({"name": "fetch", "project": "core-ext-fetch", "enabled": true,
    "running": true, "supported": true, "health": "healthy", "reason": "", "containers": ["core-ext-fetch-fetch-1"],
    "mcp_url": "http://core-ext-fetch-fetch-1:8000/sse", "wired": true, "served": true,
    "webui_configured": true, "fix": null})"));
  EXPECT_TRUE(json[1]["mcp_url"].is_null());
  EXPECT_TRUE(json[2]["health"].is_null());
}

TEST(ExtensionVerbs, McpSyncLines) {
  stack::McpSyncResult sync;
  EXPECT_EQ(mcp_sync_text(sync), "");
  sync.config_changed = true;
  EXPECT_EQ(mcp_sync_text(sync), "The MCP proxy's config was updated.");
  sync.proxy_restarted = true;
  sync.servers = {{"fetch", stack::McpTransport::sse, "http://x:8000/sse"}};
  EXPECT_EQ(mcp_sync_text(sync), "The MCP proxy was restarted with the new tool servers.");
  EXPECT_EQ(mcp_sync_json(sync),
            nlohmann::json::parse(
                R"({"config_changed": true, "proxy_restarted": true, "webui_recreated": false,
                                      "servers": ["fetch"]})"));
  sync.webui_recreated = true;
  EXPECT_EQ(
      mcp_sync_text(sync),
      "The MCP proxy was restarted with the new tool servers, and Open WebUI with their list.");
}

TEST(ExtensionVerbs, ToolServersSayWhatOpenWebuiLacks) {
  std::ostringstream out, err;
  Context context(out, err,
                  [](std::string_view) -> std::optional<std::string> { return std::nullopt; });
  stack::ToolServersReport report;
  report.webui.source = stack::ToolListSource::database;
  report.servers = {{"time", "http://mcp_proxy:8000/time", "", true, true},
                    {"fetch", "http://mcp_proxy:8000/fetch", "fetch", true, false}};
  report.fix = "add http://mcp_proxy:8000/fetch";
  EXPECT_EQ(render_tool_servers(context, report),
            "\n"
            "TOOL SERVER  URL (FROM OPEN WEBUI)        MCP PROXY  OPEN WEBUI\n"
            "time         http://mcp_proxy:8000/time   served     configured\n"
            "fetch        http://mcp_proxy:8000/fetch  served     not configured\n"
            "fix: add http://mcp_proxy:8000/fetch\n");
  auto json = tool_servers_json(report);
  EXPECT_EQ(json["webui_source"], "database");
  EXPECT_EQ(json["servers"][1],
            nlohmann::json::parse(R"({"name": "fetch", "url": "http://mcp_proxy:8000/fetch",
    "extension": "fetch", "served": true, "webui_configured": false})"));
  EXPECT_TRUE(json["servers"][0]["extension"].is_null());
  EXPECT_EQ(json["fix"], "add http://mcp_proxy:8000/fetch");
}

}  // namespace
}  // namespace ollama_stack::cli
