// `ollama-stack config` run as a process: the merged model per platform, and bad files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

class CliConfigTest : public ::testing::Test {
 protected:
  RunResult cli(const std::vector<std::string>& args) {
    RunOptions options;
    options.env = {{"OLLAMA_STACK_HOME", home_.path()}, {"PROJECT_NAME", "osk-config"},
                   {"WEBUI_SECRET_KEY", "test-secret"}, {"OLLAMA_IMAGE", "example/ollama:pinned"}};
    return run_cli(args, options);
  }
  TempDir home_;
};

TEST_F(CliConfigTest, JsonShowsTheMergedModelWithVariablesResolved) {
  auto result = cli({"config", "--json", "--platform", "cpu"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto document = nlohmann::json::parse(result.out);
  const auto& services = document["project"]["services"];
  EXPECT_EQ(document["project"]["name"], "osk-config");
  EXPECT_EQ(services.size(), 3u);
  EXPECT_EQ(services["ollama"]["image"], "example/ollama:pinned");
  EXPECT_EQ(services["webui"]["environment"]["WEBUI_SECRET_KEY"], "test-secret");
  EXPECT_EQ(services["webui"]["environment"]["OLLAMA_BASE_URL"], "http://ollama:11434");
  EXPECT_EQ(document["project"]["volumes"]["ollama_data"]["name"], "osk-config_ollama_data");
}

TEST_F(CliConfigTest, PlatformsSelectTheirOverrides) {
  auto apple = cli({"config", "--services", "--platform", "apple"});
  ASSERT_EQ(apple.exit_code, 0) << apple.err;
  EXPECT_EQ(apple.out, "mcp_proxy\nwebui\n");
  auto nvidia = cli({"config", "--json", "--platform", "nvidia"});
  ASSERT_EQ(nvidia.exit_code, 0) << nvidia.err;
  auto document = nlohmann::json::parse(nvidia.out);
  EXPECT_EQ(document["project"]["services"]["ollama"]["deploy"]["resources"]["reservations"]["devices"][0]["driver"],
            "nvidia");
  auto yaml = cli({"config", "--platform", "cpu"});
  ASSERT_EQ(yaml.exit_code, 0);
  EXPECT_NE(yaml.out.find("services:"), std::string::npos);
}

TEST_F(CliConfigTest, AnUnknownKeyInTheUserOverrideIsExit5WithFileAndLine) {
  std::filesystem::create_directories(home_.path() + "/compose");
  const std::string file = home_.path() + "/compose/docker-compose.override.yml";
  std::ofstream(file) << "services:\n  webui:\n    colour: blue\n";
  auto result = cli({"config", "--platform", "cpu"});
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_NE(result.err.find(file + ":3"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("colour"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace ollama_stack::e2e
