// `models load`, `models unload`, `models switch`, run as processes against the real engine with
// the stand-in Ollama, which loads on an empty generate, unloads at keep_alive 0 (in the
// background, as Ollama's scheduler does) and lists what is loaded on /api/ps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/timestamp.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

class CliModelMemoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-memory");
    env_ = standin_stack_env(project_);
    env_["OLLAMA_STACK_HOME"] = home_.path();
  }
  void TearDown() override {
    if (project_.empty()) return;
    remove_labelled(stack::labels::kProject, project_);
  }

  RunResult cli(const std::vector<std::string>& args) {
    RunOptions options;
    options.env = env_;
    options.timeout = std::chrono::seconds(180);
    return run_cli(args, options);
  }

  // Starts the stack with these stand-in knobs on the ollama service, and pulls the models.
  void start_stack(const std::map<std::string, std::string>& ollama_env,
                   const std::vector<std::string>& models) {
    std::filesystem::create_directories(home_.path() + "/compose");
    std::ofstream override_file(home_.path() + "/compose/docker-compose.override.yml");
    override_file << "services:\n  ollama:\n    environment:\n";
    for (const auto& [key, value] : ollama_env)
      override_file << "      " << key << ": \"" << value << "\"\n";
    override_file.close();
    auto install = cli({"install"});
    ASSERT_EQ(install.exit_code, 0) << install.err;
    std::vector<std::string> start{"start"};
    for (const auto& model : models) start.insert(start.end(), {"--pull", model});
    auto started = cli(start);
    ASSERT_EQ(started.exit_code, 0) << started.err;
  }

  std::set<std::string> loaded() {
    auto ps = cli({"models", "ps", "--json"});
    EXPECT_EQ(ps.exit_code, 0) << ps.err;
    std::set<std::string> names;
    if (ps.exit_code != 0) return names;
    const auto document = json::parse(ps.out);
    for (const auto& model : document["models"]) names.insert(model["name"].get<std::string>());
    return names;
  }

  // The ```json block under a docs/json.md heading.
  static json documented(const std::string& heading) {
    std::ifstream file(std::string(OLLAMA_STACK_SOURCE_DIR) + "/docs/json.md");
    std::stringstream text;
    text << file.rdbuf();
    const std::string doc = text.str();
    auto at = doc.find("\n## " + heading + "\n");
    if (at == std::string::npos) return nullptr;
    auto open = doc.find("```json\n", at);
    auto close = doc.find("```", open + 8);
    return json::parse(doc.substr(open + 8, close - open - 8), nullptr, false);
  }

  static std::set<std::string> keys_of(const json& object) {
    std::set<std::string> keys;
    for (const auto& [key, value] : object.items()) keys.insert(key);
    return keys;
  }

  TempDir home_;
  std::string project_;
  std::map<std::string, std::string> env_;
};

TEST_F(CliModelMemoryTest, LoadThenSwitchLeavesOnlyTheNewOneAndUnloadAllLeavesNone) {
  // A GPU the stand-in reports, and an unload that takes 1.5 s to show, as Ollama's does in the
  // background: the verbs must wait for /api/ps, not for the HTTP answer.
  start_stack({{"STANDIN_GPU", "1"}, {"STANDIN_UNLOAD_MS", "1500"}},
              {"standin-tiny", "standin-tiny:q4", "standin-small"});
  EXPECT_TRUE(loaded().empty());

  auto load = cli({"models", "load", "standin-tiny", "--keep-alive", "10m", "--json"});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  auto document = json::parse(load.out);
  EXPECT_EQ(keys_of(document), keys_of(documented("models load")));
  EXPECT_EQ(document["schema_version"], 1);
  EXPECT_EQ(document["model"]["name"], "standin-tiny:latest");
  EXPECT_EQ(document["model"]["processor"], "gpu");
  EXPECT_EQ(document["model"]["vram_bytes"], document["model"]["size_bytes"]);
  auto expires = util::parse_rfc3339(document["model"]["expires_at"].get<std::string>());
  ASSERT_TRUE(expires.has_value()) << document["model"]["expires_at"];
  const auto left = *expires - std::chrono::system_clock::now();
  EXPECT_GT(left, std::chrono::minutes(9)) << "--keep-alive 10m reached Ollama";
  EXPECT_LE(left, std::chrono::minutes(10));
  EXPECT_EQ(loaded(), std::set<std::string>{"standin-tiny:latest"});

  auto human = cli({"models", "load", "standin-tiny:q4", "--keep-alive", "-1"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_THAT(human.out, HasSubstr("Loaded standin-tiny:q4: "));
  EXPECT_THAT(human.out, HasSubstr("in GPU memory), 100% GPU, stays loaded."));
  EXPECT_THAT(human.err, HasSubstr("standin-tiny:q4: loading")) << "progress on stderr";
  EXPECT_EQ(loaded(), (std::set<std::string>{"standin-tiny:latest", "standin-tiny:q4"}));

  auto switched = cli({"models", "switch", "standin-small", "--json"});
  ASSERT_EQ(switched.exit_code, 0) << switched.err;
  auto switch_doc = json::parse(switched.out);
  EXPECT_EQ(keys_of(switch_doc), keys_of(documented("models switch")));
  EXPECT_EQ(switch_doc["model"]["name"], "standin-small:latest");
  EXPECT_EQ(std::set<std::string>(switch_doc["unloaded"].begin(), switch_doc["unloaded"].end()),
            (std::set<std::string>{"standin-tiny:latest", "standin-tiny:q4"}));
  EXPECT_EQ(loaded(), std::set<std::string>{"standin-small:latest"})
      << "only the new one is loaded";

  auto all = cli({"models", "unload", "--all", "--json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  auto unload_doc = json::parse(all.out);
  EXPECT_EQ(keys_of(unload_doc), keys_of(documented("models unload")));
  EXPECT_EQ(unload_doc["unloaded"], json({"standin-small:latest"}));
  EXPECT_TRUE(loaded().empty()) << "unload waited until /api/ps no longer listed it";

  auto none = cli({"models", "unload", "--all"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_THAT(none.out, HasSubstr("No model was loaded."));
}

TEST_F(CliModelMemoryTest, AMissingModelExits1WithOllamasMessageAndUnloadsNothing) {
  start_stack({}, {"standin-tiny"});
  auto load = cli({"models", "load", "standin-tiny"});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  EXPECT_THAT(load.out, HasSubstr("100% CPU, unloads in 4m"));

  auto missing = cli({"models", "load", "nosuch"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("cannot load nosuch: model 'nosuch' not found"));
  EXPECT_THAT(missing.err, HasSubstr("ollama-stack models pull nosuch"));
  auto missing_json = cli({"models", "load", "nosuch", "--json"});
  EXPECT_EQ(missing_json.exit_code, 1);
  EXPECT_EQ(json::parse(missing_json.out)["error"]["exit_code"], 1);

  auto switched = cli({"models", "switch", "nosuch"});
  EXPECT_EQ(switched.exit_code, 1);
  EXPECT_THAT(switched.err, HasSubstr("cannot switch to nosuch: model 'nosuch' not found"));
  EXPECT_THAT(switched.err, HasSubstr("nothing was unloaded"));
  EXPECT_EQ(loaded(), std::set<std::string>{"standin-tiny:latest"});

  auto unload = cli({"models", "unload", "nosuch"});
  EXPECT_EQ(unload.exit_code, 1);
  EXPECT_THAT(unload.err, HasSubstr("cannot unload nosuch: model 'nosuch' not found"));

  auto named = cli({"models", "unload", "--json", "standin-tiny"});
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_EQ(json::parse(named.out)["unloaded"], json({"standin-tiny:latest"}))
      << "as /api/ps names it";
  EXPECT_TRUE(loaded().empty());

  auto again = cli({"models", "unload", "standin-tiny"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("standin-tiny was not loaded."));

  for (const auto& args : std::vector<std::vector<std::string>>{
           {"models", "load", "standin-tiny", "--keep-alive", "soon"},
           {"models", "load", "standin-tiny", "--keep-alive", "0"},
           {"models", "unload"},
           {"models", "unload", "standin-tiny", "--all"}}) {
    auto usage = cli(args);
    EXPECT_EQ(usage.exit_code, 2) << args.back() << ": " << usage.err;
    EXPECT_THAT(usage.err, Not(HasSubstr("cannot reach")));
  }
  EXPECT_TRUE(loaded().empty()) << "usage errors touch nothing";
}

}  // namespace
}  // namespace ollama_stack::e2e
