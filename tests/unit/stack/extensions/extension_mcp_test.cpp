#include "ollama_stack/stack/extensions/extension_mcp.hpp"

#include <gtest/gtest.h>

#include "ollama_stack/stack/mcp/mcp_config.hpp"

namespace ollama_stack::stack {
namespace {

TEST(ExtensionMcp, UrlOnTheStackNetwork) {
  McpEndpoint endpoint{McpTransport::sse, "server", 8000, "/sse"};
  EXPECT_EQ(mcp_url("core-ext-x-server-1", endpoint), "http://core-ext-x-server-1:8000/sse");
}

TEST(ExtensionMcp, ConfigIsTheCoreToolsPlusEachExtension) {
  std::vector<WiredServer> servers{{"fetch", McpTransport::sse, "http://a:8000/sse"},
                                   {"search", McpTransport::streamable_http, "http://b:9000/mcp"}};
  auto document = mcp_config_document(mcp_servers_with(default_mcp_servers(), servers));
  EXPECT_EQ(document, nlohmann::json::parse(R"({"mcpServers": {
    "time": {"command": "uvx", "args": ["mcp-server-time", "--local-timezone=UTC"]},
    "fetch": {"type": "sse", "url": "http://a:8000/sse"},
    "search": {"type": "streamable-http", "url": "http://b:9000/mcp"}}})"));
  EXPECT_TRUE(config_serves(document, servers[0]));
  EXPECT_TRUE(config_serves(document, servers[1]));
  EXPECT_FALSE(config_serves(document, {"fetch", McpTransport::sse, "http://other:8000/sse"}));
  EXPECT_FALSE(config_serves(document, {"missing", McpTransport::sse, "http://a:8000/sse"}));
  EXPECT_FALSE(config_serves(nlohmann::json::object(), servers[0]));
  EXPECT_EQ(mcp_servers_with(default_mcp_servers(), {}), default_mcp_servers());
}

TEST(ExtensionMcp, RegeneratingKeepsTheUsersOwnServers) {
  auto servers = nlohmann::json::parse(R"({
    "time": {"command": "uvx", "args": ["mcp-server-time"]},
    "mine": {"type": "sse", "url": "http://elsewhere:1/sse"},
    "fetch": {"type": "sse", "url": "http://old:8000/sse"},
    "gone": {"type": "sse", "url": "http://gone:8000/sse"}})");
  auto kept = servers_without_extensions(servers, {"fetch", "gone", "time"});
  EXPECT_EQ(kept, nlohmann::json::parse(R"({
    "time": {"command": "uvx", "args": ["mcp-server-time"]},
    "mine": {"type": "sse", "url": "http://elsewhere:1/sse"}})"));
}

TEST(ExtensionMcp, CoreToolNamesWin) {
  std::vector<std::string> warnings;
  auto servers = mcp_servers_with(default_mcp_servers(),
                                  {{"time", McpTransport::sse, "http://a:1/sse"}}, &warnings);
  EXPECT_EQ(servers, default_mcp_servers());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("extension time is not wired"), std::string::npos);
}

TEST(ExtensionMcp, DesiredServersRefuseAnEmptyList) {
  const std::vector<WiredServer> none;
  EXPECT_EQ(desired_mcp_servers(std::nullopt, {}, none), default_mcp_servers());
  auto only_extension =
      mcp_config_document(nlohmann::json{{"x", {{"type", "sse"}, {"url", "http://a/sse"}}}});
  EXPECT_EQ(desired_mcp_servers(only_extension, {"x"}, none), nlohmann::json::object())
      << "what stays when the extension stops; write_mcp_config refuses to write it";
}

}  // namespace
}  // namespace ollama_stack::stack
