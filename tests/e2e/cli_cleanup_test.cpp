// `cleanup` as a process against the real engine, beside a running stack: it lists and removes
// exactly what was planted as this installation's leftovers — a stopped orphan container, an
// unused network, a volume-access helper an interrupted backup left, a `.partial` backup folder —
// and nothing of the running stack or of another installation.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "ollama_stack/stack/backup/volume_access.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

namespace fs = std::filesystem;
namespace labels = stack::labels;

class CliCleanupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-cleanup");
    other_ = unique_name("osk-e2e-cleanup-other");
    env_ = standin_stack_env(project_);
    env_["OLLAMA_STACK_HOME"] = home_.path();
  }
  void TearDown() override {
    if (project_.empty()) return;
    remove_labelled(labels::kInstallation, other_);
    remove_labelled(labels::kInstallation, project_);
    remove_labelled(labels::kProject, project_);
  }

  RunResult cli(const std::vector<std::string>& args) {
    RunOptions options;
    options.env = env_;
    options.timeout = std::chrono::seconds(180);
    return run_cli(args, options);
  }

  // A container of `installation` that ran and exited: compose's labels for `service` of `project`.
  std::string exited_container(const std::string& installation, const std::string& project,
                               const std::string& service) {
    auto& engine = test_engine();
    nlohmann::json body{
        {"Image", standin_image("ollama")},
        {"Labels",
         {{labels::kProject, project},
          {labels::kService, service},
          {labels::kInstallation, installation},
          {labels::kWorkingDir, fs::absolute(home_.path()).lexically_normal().string()}}}};
    const std::string id = engine.create_container(unique_name(project + "-" + service), body);
    engine.start_container(id);
    try {
      engine.kill_container(id);
    } catch (const std::exception&) {
      // It may have ended on its own already: exited either way.
    }
    engine.wait_container(id, "not-running", std::chrono::seconds(30));
    EXPECT_EQ(engine.inspect_container(id).state.status, "exited");
    return id;
  }

  std::set<std::string> container_ids(const std::string& project) {
    std::set<std::string> ids;
    for (const auto& container : test_engine().list_containers(
             {{"label", {std::string(labels::kProject) + "=" + project}}}, true))
      if (container.state == "running") ids.insert(container.id);
    return ids;
  }

  TempDir home_;
  TempDir backups_;
  std::string project_, other_;
  std::map<std::string, std::string> env_;
};

TEST_F(CliCleanupTest, ListsThenRemovesExactlyThisInstallationsLeftoversAndLeavesTheRunningStack) {
  auto start = cli({"start"});
  ASSERT_EQ(start.exit_code, 0) << start.err;
  const auto running = container_ids(project_);
  ASSERT_EQ(running.size(), 3u);
  auto& engine = test_engine();

  // This installation's leftovers.
  const std::string orphan = exited_container(project_, project_, "leftover");
  const std::string network = project_ + "_stale";
  const std::string network_id = engine.create_network(
      network, "bridge", {{labels::kProject, project_}, {labels::kInstallation, project_}});
  // What an interrupted backup leaves: its never-started access container on the stack's volume.
  const std::string helper =
      engine.create_container(project_ + "_ollama_data-access-e2e",
                              {{"Image", standin_image("ollama")},
                               {"Entrypoint", {"/ollama-stack-volume-access"}},
                               {"NetworkDisabled", true},
                               {"Labels",
                                {{labels::kInstallation, project_},
                                 {stack::kVolumeAccessLabel, project_ + "_ollama_data"}}},
                               {"HostConfig",
                                {{"Mounts",
                                  {{{"Type", "volume"},
                                    {"Source", project_ + "_ollama_data"},
                                    {"Target", "/ollama-stack-volume"}}}}}}});
  const fs::path partial =
      fs::path(backups_.path()) / ("ollama-stack-backup-" + project_ + "-20261201T223015Z.partial");
  fs::create_directories(partial / "config");
  // Another installation's, which must stay.
  const std::string decoy = exited_container(other_, other_, "webui");
  const std::string decoy_network = other_ + "_stale";
  engine.create_network(decoy_network, "bridge",
                        {{labels::kProject, other_}, {labels::kInstallation, other_}});
  const fs::path decoy_partial =
      fs::path(backups_.path()) / ("ollama-stack-backup-" + other_ + "-20261201T223015Z.partial");
  fs::create_directories(decoy_partial);

  const std::set<std::string> planted{"container " + orphan, "network " + network_id,
                                      "helper " + helper, "partial-backup " + partial.string()};
  auto chosen = [](const nlohmann::json& doc) {
    std::set<std::string> items;
    for (const auto& item : doc["items"])
      items.insert(
          item["kind"].get<std::string>() + " " +
          (item["id"].is_null() ? item["name"].get<std::string>() : item["id"].get<std::string>()));
    return items;
  };

  auto dry = cli({"cleanup", "--dry-run", "--json", "--backup-dir", backups_.path()});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  auto listed = nlohmann::json::parse(dry.out);
  EXPECT_EQ(chosen(listed), planted) << dry.out;
  EXPECT_TRUE(listed["dry_run"].get<bool>());
  for (const auto& item : listed["items"]) {
    EXPECT_FALSE(item["removed"].get<bool>());
    EXPECT_FALSE(item["reason"].get<std::string>().empty());
    if (item["kind"] == "container") {
      EXPECT_NE(item["reason"].get<std::string>().find("orphaned: service leftover"),
                std::string::npos);
    }
  }
  EXPECT_TRUE(engine.find_container(orphan) && engine.find_container(helper) &&
              engine.inspect_network(network_id))
      << "a dry run removed something";
  EXPECT_TRUE(fs::exists(partial));

  auto refused = cli({"cleanup", "--backup-dir", backups_.path()});  // no terminal to ask on
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
  EXPECT_TRUE(engine.find_container(orphan)) << "a refused cleanup removed something";

  auto removed = cli({"cleanup", "--force", "--json", "--backup-dir", backups_.path()});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  auto report = nlohmann::json::parse(removed.out);
  EXPECT_EQ(chosen(report), planted) << removed.out;
  for (const auto& item : report["items"]) EXPECT_TRUE(item["removed"].get<bool>()) << item.dump();
  EXPECT_EQ(report["removed_count"], 4);
  EXPECT_FALSE(engine.find_container(orphan));
  EXPECT_FALSE(engine.find_container(helper));
  EXPECT_FALSE(engine.inspect_network(network_id));
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_TRUE(engine.inspect_volume(project_ + "_ollama_data"))
      << "the helper's volume is the stack's data";

  // The running stack and the other installation are untouched.
  EXPECT_EQ(container_ids(project_), running);
  auto status = cli({"status", "--json", "--no-stats"});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_TRUE(nlohmann::json::parse(status.out)["healthy"].get<bool>());
  EXPECT_TRUE(engine.find_container(decoy));
  EXPECT_TRUE(engine.inspect_network(decoy_network));
  EXPECT_TRUE(fs::exists(decoy_partial));

  auto again = cli({"cleanup", "--dry-run", "--json", "--backup-dir", backups_.path()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(nlohmann::json::parse(again.out)["items"].empty()) << again.out;
}

}  // namespace
}  // namespace ollama_stack::e2e
