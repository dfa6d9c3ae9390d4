#include "ollama_stack/stack/mcp/mcp_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/util/error.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::stack {
namespace {

using ollama_stack::testing::slurp;
using ollama_stack::testing::spit;
using ollama_stack::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(McpConfig, DefaultHasTheTimeTool) {
  EXPECT_EQ(mcp_config_document(default_mcp_servers()), nlohmann::json::parse(R"({"mcpServers": {
    "time": {"command": "uvx", "args": ["mcp-server-time", "--local-timezone=UTC"]}}})"));
}

TEST(McpConfig, WritesOnlyWhenTheContentChanges) {
  TempDir dir;
  const auto path = dir / "config.json";
  auto document = mcp_config_document(default_mcp_servers());
  EXPECT_TRUE(write_mcp_config(path, document));
  EXPECT_FALSE(write_mcp_config(path, document));
  spit(path, document.dump());  // same JSON, other formatting
  EXPECT_FALSE(write_mcp_config(path, document));
  EXPECT_EQ(slurp(path), document.dump());
  auto more = default_mcp_servers();
  more["fetch"] = {{"command", "uvx"}, {"args", {"mcp-server-fetch"}}};
  EXPECT_TRUE(write_mcp_config(path, mcp_config_document(more)));
  EXPECT_EQ(read_mcp_config(path), mcp_config_document(more));
}

TEST(McpConfig, ReadErrorsNameTheFile) {
  TempDir dir;
  const auto path = dir / "config.json";
  EXPECT_EQ(read_mcp_config(path), std::nullopt);
  spit(path, "{\n  \"mcpServers\": [\n}");
  try {
    read_mcp_config(path);
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), StartsWith(path.string() + ":3:1: not valid JSON"));
  }
  spit(path, "{\n  \"mcpServers\": []\n}");
  try {
    read_mcp_config(path);
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), StartsWith(path.string() + ":2: must hold"));
  }
  // Not replaced either: only the user mends their file.
  EXPECT_THROW(write_mcp_config(path, mcp_config_document(default_mcp_servers())), ConfigError);
  EXPECT_EQ(slurp(path), "{\n  \"mcpServers\": []\n}");
}

TEST(McpConfig, ACorruptFileIsNeverReplaced) {
  TempDir dir;
  const auto path = dir / "config.json";
  const std::string corrupt =
      "{\n  \"mcpServers\": {\n    \"mine\": {\"command\": \"x\",}\n  }\n}\n";
  spit(path, corrupt);
  try {
    write_mcp_config(path, mcp_config_document(default_mcp_servers()));
    FAIL() << "a corrupt file was replaced";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), StartsWith(path.string() + ":3:"));
    EXPECT_EQ(error.code(), ExitCode::bad_config);
  }
  EXPECT_EQ(slurp(path), corrupt) << "byte-identical afterwards";
}

TEST(McpConfig, AnEmptyServerListIsRefused) {
  TempDir dir;
  const auto path = dir / "config.json";
  EXPECT_THROW(write_mcp_config(path, mcp_config_document(nlohmann::json::object())), ConfigError);
  EXPECT_FALSE(std::filesystem::exists(path));
  try {
    require_mcp_servers(nlohmann::json::object(), path);
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("mcpServers would be empty"));
    EXPECT_THAT(error.hint(), HasSubstr("install --force"));
  }
}

TEST(McpConfig, OneToolServerConnectionPerServer) {
  auto servers = default_mcp_servers();
  servers["mcp-test"] = {{"type", "sse"}, {"url", "http://x:8000/sse"}};
  const auto connections = tool_server_connections(servers);
  ASSERT_EQ(connections.size(), 2u);
  EXPECT_EQ(connections[0]["url"], "http://mcp_proxy:8000/mcp-test");
  EXPECT_EQ(connections[1]["url"], "http://mcp_proxy:8000/time");
  for (const auto& connection : connections) {
    EXPECT_EQ(connection["path"], "openapi.json");
    EXPECT_EQ(connection["auth_type"], "bearer");
    EXPECT_EQ(connection["key"], "");
    EXPECT_EQ(connection["config"]["enable"], true);
    EXPECT_TRUE(connection["info"]["name"].is_string());
  }
  EXPECT_EQ(tool_server_connections(nlohmann::json::object()), nlohmann::json::array());
}

}  // namespace
}  // namespace ollama_stack::stack
