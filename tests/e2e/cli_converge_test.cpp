// `start` converges: a container changed behind the stack's back while it ran (here cut off from
// the stack's network with `docker network disconnect`) is recreated, instead of being reported
// "unchanged" while the health wait runs into its timeout.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/stack/labels.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = stack::labels;

class CliConvergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-conv");
    env_ = standin_stack_env(project_);
    env_["OLLAMA_STACK_HOME"] = home_.path();
  }
  void TearDown() override {
    if (!project_.empty()) remove_labelled(labels::kProject, project_);
  }
  RunResult cli(const std::vector<std::string>& args) {
    RunOptions options;
    options.env = env_;
    options.timeout = std::chrono::seconds(180);
    return run_cli(args, options);
  }
  std::string id_of(const std::string& service) {
    for (const auto& container : test_engine().list_containers(
             {{"label", {std::string(labels::kProject) + "=" + project_}}}, true))
      if (container.labels.at(labels::kService) == service) return container.id;
    return {};
  }

  TempDir home_;
  std::string project_;
  std::map<std::string, std::string> env_;
};

TEST_F(CliConvergeTest, AContainerCutOffFromTheStackNetworkIsRecreated) {
  ASSERT_EQ(cli({"start"}).exit_code, 0);
  const std::string webui = id_of("webui");
  test_engine().disconnect_network(project_ + "_default", webui);

  auto start = cli({"start", "--json", "--timeout", "30"});
  ASSERT_EQ(start.exit_code, 0) << start.err << start.out;
  const auto result = nlohmann::json::parse(start.out);
  EXPECT_EQ(result["changed"], true);
  for (const auto& service : result["services"]) {
    if (service["name"] == "webui") {
      EXPECT_EQ(service["action"], "recreated");
      EXPECT_EQ(service["reason"], "not connected to network " + project_ + "_default");
    } else {
      EXPECT_EQ(service["action"], "unchanged") << service.dump();
    }
  }
  EXPECT_NE(id_of("webui"), webui);
  EXPECT_EQ(test_engine().inspect_container(id_of("webui")).networks,
            std::vector<std::string>{project_ + "_default"});
  EXPECT_EQ(cli({"status"}).exit_code, 0) << "healthy again";
}

}  // namespace
}  // namespace ollama_stack::e2e
