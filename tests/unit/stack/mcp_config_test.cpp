#include "ollama_stack/stack/mcp_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../util/temp_dir.hpp"
#include "ollama_stack/util/error.hpp"

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
  EXPECT_TRUE(write_mcp_config(path, mcp_config_document(default_mcp_servers())));
}

}  // namespace
}  // namespace ollama_stack::stack
