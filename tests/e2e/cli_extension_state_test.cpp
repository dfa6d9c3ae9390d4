// `extensions disable` on a home that cannot hold the MCP config changes nothing: it fails before
// the extension is stopped or the state file changes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

TEST(CliExtensionState, DisableOnAHomeWithoutMcpFailsBeforeChangingTheState) {
  REQUIRE_ENGINE();
  TempDir home;
  RunOptions options;
  options.env = standin_stack_env(unique_name("osk-e2e-extstate"));
  options.env["OLLAMA_STACK_HOME"] = home.path();
  ASSERT_EQ(run_cli({"install"}, options).exit_code, 0);
  ASSERT_EQ(run_cli({"extensions", "enable", "fetch"}, options).exit_code, 0);
  std::filesystem::remove_all(home.path() + "/mcp");
  const std::string state = home.path() + "/.ollama-stack.json";
  auto read_state = [&] {
    std::ifstream in(state);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  const std::string before = read_state();

  auto disable = run_cli({"extensions", "disable", "fetch"}, options);
  EXPECT_EQ(disable.exit_code, 1) << disable.err;
  EXPECT_NE(disable.err.find(home.path() + "/mcp is missing"), std::string::npos) << disable.err;
  EXPECT_NE(disable.err.find("nothing was changed"), std::string::npos) << disable.err;
  EXPECT_EQ(read_state(), before) << "the state still says fetch is enabled";
  EXPECT_EQ(nlohmann::json::parse(read_state())["enabled_extensions"],
            nlohmann::json::array({"fetch"}));
}

}  // namespace
}  // namespace ollama_stack::e2e
