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
            "EXTENSION  ENABLED  STATE    HEALTH   PROXY\n"
            "fetch      yes      running  healthy  served\n"
            "search     yes      stopped  stopped  -\n");
  EXPECT_EQ(render_extension_statuses(context, {}), "");
}

TEST(ExtensionVerbs, StatusJson) {
  auto json = extension_statuses_json(overview());
  ASSERT_EQ(json.size(), 3u);
  EXPECT_EQ(json[0], nlohmann::json::parse(R"({"name": "fetch", "project": "core-ext-fetch", "enabled": true,
    "running": true, "supported": true, "health": "healthy", "reason": "", "containers": ["core-ext-fetch-fetch-1"],
    "mcp_url": "http://core-ext-fetch-fetch-1:8000/sse", "wired": true, "served": true})"));
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
            nlohmann::json::parse(R"({"config_changed": true, "proxy_restarted": true, "servers": ["fetch"]})"));
}

}  // namespace
}  // namespace ollama_stack::cli
