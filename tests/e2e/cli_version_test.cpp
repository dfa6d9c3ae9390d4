// `ollama-stack version` run as a process against the real engine.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/util/version.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

TEST(CliVersion, JsonNamesTheEngineVersionAndApi) {
  REQUIRE_ENGINE();
  auto result = run_cli({"version", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["schema_version"], 1);
  EXPECT_EQ(json["engine"]["version"], test_engine().version().version);
  EXPECT_EQ(json["engine"]["negotiated_api_version"], test_engine().api_version());
  EXPECT_TRUE(json["platform"]["detected"] == "cpu" || json["platform"]["detected"] == "nvidia");
  EXPECT_EQ(json["platform"]["name"], json["platform"]["detected"]);
  EXPECT_EQ(json["platform"]["chosen_by"], "detected");
  // The test engine runs here: its /info names this host, so this host's GPU facts count.
  const auto& facts = json["platform"]["facts"];
  EXPECT_EQ(facts["engine"]["name"], test_engine().info().name);
  EXPECT_EQ(facts["engine_runs_here"], facts["endpoint_local"]) << facts.dump();
  EXPECT_EQ(facts["local"].is_object(), facts["engine_runs_here"].get<bool>()) << facts.dump();
  EXPECT_EQ(json["cli"]["version"], kVersion);
}

TEST(CliVersion, AnUnreachableEngineExits3WithOneSentence) {
  TempDir dir;
  const std::string socket = dir.path() + "/docker.sock";
  auto result = run_cli({"version"}, {.env = {{"DOCKER_HOST", "unix://" + socket}}});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_TRUE(result.out.empty()) << result.out;
  EXPECT_TRUE(result.err.starts_with("ollama-stack: error: cannot reach the Docker engine")) << result.err;
  EXPECT_NE(result.err.find(socket), std::string::npos);
  EXPECT_NE(result.err.find("hint:"), std::string::npos);

  auto json = run_cli({"--host", "unix://" + socket, "version", "--json"});
  EXPECT_EQ(json.exit_code, 3);
  auto document = nlohmann::json::parse(json.out);
  EXPECT_EQ(document["error"]["exit_code"], 3);
}

TEST(CliVersion, UsageErrorsExit2) {
  auto result = run_cli({"version", "--no-such-flag"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--no-such-flag"), std::string::npos) << result.err;
}

TEST(CliVersion, VersionFlagPrintsTheVersion) {
  auto result = run_cli({"--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, std::string("ollama-stack ") + kVersion + "\n");
}

}  // namespace
}  // namespace ollama_stack::e2e
