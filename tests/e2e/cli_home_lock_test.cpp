// The home and its lock under bad timing: uninstall plans only once it holds the lock (a start
// that holds it may still be creating what must go), start and check --fix write nothing into
// the home before they hold it, and uninstall --json prints one document whatever happens.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/file_lock.hpp"
#include "support/background.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

namespace fs = std::filesystem;
namespace labels = stack::labels;

class CliHomeLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-lock");
    home_ = base_.path() + "/home";
    env_ = standin_stack_env(project_);
    env_["OLLAMA_STACK_HOME"] = home_;
    // Images of its own: uninstall removes the installation's images, never the shared stand-ins.
    for (const auto& [role, variable] : kImages) {
      test_engine().tag_image(standin_image(role), own_image(role));
      env_[variable] = own_image(role);
    }
  }
  void TearDown() override {
    if (project_.empty()) return;
    remove_labelled("ollama-stack.test", project_);  // first: it may hold the stack's volume
    remove_labelled(labels::kInstallation, project_);
    remove_labelled(labels::kProject, project_);
    for (const auto& [role, variable] : kImages) {
      try {
        test_engine().remove_image(own_image(role), false);
      } catch (const std::exception&) {
      }
    }
  }

  static constexpr std::pair<const char*, const char*> kImages[] = {
      {"ollama", "OLLAMA_IMAGE"}, {"webui", "WEBUI_IMAGE"}, {"mcpo", "MCP_PROXY_IMAGE"}};
  std::string own_image(const std::string& role) const { return project_ + "/" + role + ":test"; }

  RunOptions options() {
    RunOptions run;
    run.env = env_;
    run.timeout = std::chrono::seconds(180);
    return run;
  }
  RunResult cli(const std::vector<std::string>& args) { return run_cli(args, options()); }

  size_t count_labelled(const std::string& key, const std::string& value) {
    engine::Filters filters{{"label", {key + "=" + value}}};
    auto& engine = test_engine();
    return engine.list_containers(filters, true).size() + engine.list_networks(filters).size() +
           engine.list_volumes(filters).size();
  }

  TempDir base_;
  std::string home_;
  std::string project_;
  std::map<std::string, std::string> env_;
};

TEST_F(CliHomeLockTest, UninstallPlansOnlyOnceItHoldsTheLock) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  // This test holds the stack lock, as a `start` in progress does.
  util::FileLock start_in_progress(home_ + "/lock");
  start_in_progress.acquire("start", std::chrono::seconds(5));
  Background uninstall({"uninstall", "--all", "--force", "--json"}, options());
  ASSERT_TRUE(
      wait_until([&] { return uninstall.has_open(home_ + "/lock"); }, std::chrono::seconds(30)))
      << "uninstall never came to the lock: " << uninstall.err();

  // Meanwhile the start creates the stack's network, volume and container.
  const engine::Labels owned{{labels::kProject, project_}, {labels::kInstallation, project_}};
  auto& engine = test_engine();
  engine.create_network(project_ + "_default", "bridge", owned);
  engine.create_volume(project_ + "_ollama_data", "local", owned);
  nlohmann::json body{{"Image", own_image("ollama")}, {"Labels", owned}};
  engine.create_container(project_ + "-ollama-1", body);
  start_in_progress.release();

  auto done = uninstall.wait(std::chrono::seconds(120));
  ASSERT_EQ(done.exit_code, 0) << done.err << done.out;
  const auto result = nlohmann::json::parse(done.out);
  EXPECT_EQ(result["removed"]["containers"], nlohmann::json::array({project_ + "-ollama-1"}))
      << done.out;
  EXPECT_EQ(count_labelled(labels::kInstallation, project_), 0u)
      << "nothing left that a second uninstall could not find";
  EXPECT_FALSE(fs::exists(home_)) << "the home goes, lock file included";
}

TEST_F(CliHomeLockTest, StartAndCheckFixWriteNothingIntoTheHomeBeforeTheyHoldTheLock) {
  util::FileLock held(home_ + "/lock", /*create_directory=*/true);
  held.acquire("uninstall", std::chrono::seconds(5));
  auto start = cli({"start", "--lock-timeout", "1"});
  EXPECT_EQ(start.exit_code, 1) << start.err;
  EXPECT_NE(start.err.find("holds the lock"), std::string::npos) << start.err;
  auto check = cli({"check", "--fix", "--json"});
  const auto report = nlohmann::json::parse(check.out);
  ASSERT_EQ(report["fix_errors"].size(), 1u) << check.out;
  EXPECT_NE(report["fix_errors"][0].get<std::string>().find("another ollama-stack (pid"),
            std::string::npos)
      << check.out;
  std::vector<std::string> written;
  for (const auto& item : fs::directory_iterator(home_))
    written.push_back(item.path().filename().string());
  EXPECT_EQ(written, std::vector<std::string>{"lock"})
      << "no .env, no secret, no state before the lock";

  held.release();
  auto fixed = cli({"check", "--fix", "--json"});
  EXPECT_TRUE(fs::exists(home_ + "/.env")) << fixed.out;
}

TEST_F(CliHomeLockTest, UninstallJsonIsOneDocumentAlsoWhenARemovalFails) {
  ASSERT_EQ(cli({"start"}).exit_code, 0);
  // A container outside the stack keeps the Ollama volume in use.
  nlohmann::json body{
      {"Image", standin_image("ollama")},
      {"Labels", {{"ollama-stack.test", project_}}},
      {"HostConfig",
       {{"Mounts",
         {{{"Type", "volume"}, {"Source", project_ + "_ollama_data"}, {"Target", "/v"}}}}}}};
  test_engine().create_container(unique_name("osk-e2e-holder"), body);
  auto uninstall = cli({"uninstall", "--all", "--force", "--json"});
  EXPECT_EQ(uninstall.exit_code, 1) << uninstall.err;
  nlohmann::json document;
  ASSERT_NO_THROW(document = nlohmann::json::parse(uninstall.out)) << "one JSON document:\n"
                                                                   << uninstall.out;
  ASSERT_EQ(document["failures"].size(), 1u) << uninstall.out;
  EXPECT_NE(document["failures"][0].get<std::string>().find(project_ + "_ollama_data"),
            std::string::npos);
  EXPECT_NE(uninstall.err.find("could not be removed"), std::string::npos) << uninstall.err;
}

TEST_F(CliHomeLockTest, InstallIntoAHomeThatCannotBeCreatedSaysWhyAndWhatToDo) {
  std::ofstream(base_.path() + "/a-file") << "not a directory\n";
  env_["OLLAMA_STACK_HOME"] = base_.path() + "/a-file/home";
  auto install = cli({"install"});
  EXPECT_EQ(install.exit_code, 1) << install.err;
  EXPECT_NE(install.err.find("cannot create " + base_.path() + "/a-file/home"), std::string::npos)
      << install.err;
  EXPECT_EQ(install.err.find("unexpected failure"), std::string::npos) << install.err;
  EXPECT_NE(install.err.find("hint: choose another --home"), std::string::npos) << install.err;
}

}  // namespace
}  // namespace ollama_stack::e2e
