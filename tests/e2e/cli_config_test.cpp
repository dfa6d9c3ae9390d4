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
  EXPECT_EQ(services["webui"]["environment"]["WEBUI_SECRET_KEY"], "********") << "redacted unless asked";
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

TEST_F(CliConfigTest, TheSecretIsShownOnlyWithShowSecrets) {
  for (const auto& args : {std::vector<std::string>{"config", "--platform", "cpu"},
                           std::vector<std::string>{"config", "--json", "--platform", "cpu"}}) {
    auto result = cli(args);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out.find("test-secret"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("********"), std::string::npos);
  }
  auto shown = cli({"config", "--json", "--show-secrets", "--platform", "cpu"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(nlohmann::json::parse(shown.out)["project"]["services"]["webui"]["environment"]["WEBUI_SECRET_KEY"],
            "test-secret");
}

TEST_F(CliConfigTest, AnEnvLineThatIsNotKeyValueIsExit5AndItsControlBytesAreNotEchoed) {
  const std::string env = home_.path() + "/.env";
  std::ofstream(env) << "WEBUI_PORT=8080\nOLLAMA_PORT11435\n";
  auto bare = cli({"config", "--platform", "cpu"});
  EXPECT_EQ(bare.exit_code, 5) << bare.err;
  EXPECT_NE(bare.err.find(env + ":2: \"OLLAMA_PORT11435\" is not KEY=value"), std::string::npos) << bare.err;

  std::ofstream(env, std::ios::trunc) << "WEBUI_PORT=8080\n\x1b]0;pwned\x07\x1b[2J=1\n";
  auto escape = cli({"config", "--platform", "cpu"});
  EXPECT_EQ(escape.exit_code, 5) << escape.err;
  EXPECT_NE(escape.err.find(env + ":2: \"\\x1b]0;pwned\\x07\\x1b[2J=1\" does not start with a variable name"),
            std::string::npos)
      << escape.err;
  EXPECT_EQ(escape.err.find('\x1b'), std::string::npos) << "a raw escape byte reached the terminal";
  EXPECT_EQ(escape.err.find('\x07'), std::string::npos);
}

TEST_F(CliConfigTest, ATimeoutOfZeroOrLessIsOneShortSentence) {
  for (const auto& verb : {"start", "restore", "update"}) {
    for (const auto& value : {"0", "-1", "soon"}) {
      std::vector<std::string> args{verb};
      if (std::string(verb) == "restore") args.push_back("backup-dir");
      args.insert(args.end(), {"--timeout", value});
      auto result = cli(args);
      EXPECT_EQ(result.exit_code, 2) << verb << " " << value << ": " << result.err;
      EXPECT_NE(result.err.find("is not a whole number of seconds from 1 to 31536000"), std::string::npos)
          << verb << " " << value << ": " << result.err;
      EXPECT_LT(result.err.size(), 300u) << "no 310-digit range: " << result.err;
    }
  }
  auto stop = cli({"stop", "--timeout", "-5"});
  EXPECT_EQ(stop.exit_code, 2) << stop.err;
  EXPECT_NE(stop.err.find("is not a whole number of seconds from 0 to"), std::string::npos) << stop.err;
}

}  // namespace
}  // namespace ollama_stack::e2e
