// apply's undo tells the truth, against the real engine: a recreate that fails after the old
// container was stopped puts it back running, and what the undo cannot remove is reported
// instead of "everything this run created was removed".
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <future>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/compose/load.hpp"
#include "ollama_stack/stack/home.hpp"
#include "ollama_stack/stack/stack_project.hpp"
#include "ollama_stack/util/error.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = compose::labels;

class ComposeRollbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-undo");
    stack::ensure_home(home_.path());
    variables_ = standin_stack_env(project_);
  }
  void TearDown() override {
    if (project_.empty()) return;
    remove_labelled("ollama-stack.test", project_);
    remove_labelled(labels::kProject, project_);
  }

  compose::Project load_stack() {
    auto lookup = [this](std::string_view name) -> std::optional<std::string> {
      auto found = variables_.find(std::string(name));
      return found == variables_.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
    return stack::load_stack_project({home_.path()}, lookup, stack::Platform::cpu, "").project;
  }

  compose::ApplyOptions options() {
    compose::ApplyOptions apply_options;
    apply_options.plan.extra_labels = {{labels::kInstallation, project_},
                                       {labels::kComponent, "core"}};
    return apply_options;
  }

  engine::ContainerSummary container_of(const std::string& service) {
    for (const auto& container : test_engine().list_containers(
             {{"label", {std::string(labels::kProject) + "=" + project_}}}, true))
      if (container.labels.at(labels::kService) == service) return container;
    return {};
  }

  TempDir home_;
  std::string project_;
  std::map<std::string, std::string> variables_;
};

TEST_F(ComposeRollbackTest, ARecreateThatFailsAfterStoppingTheOldContainerPutsItBackRunning) {
  auto& engine = test_engine();
  compose::apply(engine, load_stack(), options());
  const auto before = container_of("ollama");
  ASSERT_EQ(before.state, "running");
  // The name the old container is set aside under is taken, so the recreate fails right after
  // the old container was stopped.
  nlohmann::json blocker{{"Image", standin_image("ollama")},
                         {"Labels", {{"ollama-stack.test", project_}}}};
  engine.create_container(fmt::format("{}_replaced_{}", before.name, before.id.substr(0, 12)),
                          blocker);

  variables_["OLLAMA_KEEP_ALIVE"] = "10m";  // ollama's configuration changes: it is recreated
  try {
    compose::apply(engine, load_stack(), options());
    FAIL() << "the recreate cannot set the old container aside";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("the containers it replaced were put back"),
              std::string::npos)
        << error.what();
  }
  const auto after = container_of("ollama");
  EXPECT_EQ(after.id, before.id);
  EXPECT_EQ(after.name, before.name);
  EXPECT_EQ(after.state, "running") << "the old container is running again";
}

TEST_F(ComposeRollbackTest, WhatTheUndoCannotRemoveIsReportedNotHidden) {
  auto& engine = test_engine();
  // `app` waits for `web` to be healthy, which it never becomes: the apply fails once web's
  // healthcheck has failed three times, and undoes what it created.
  const std::string yaml = fmt::format(R"(name: {}
services:
  web:
    image: {}
    environment: {{STANDIN_FAIL_HEALTH: "1"}}
  app:
    image: {}
    depends_on:
      web: {{condition: service_healthy}}
)",
                                       project_, standin_image("webui"), standin_image("ollama"));
  compose::LoadOptions load;
  load.sources = {{"undo/docker-compose.yml", yaml}};
  load.working_dir = "/tmp";
  load.lookup = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  auto project = compose::load_project(load).project;
  auto applied =
      std::async(std::launch::async, [&] { compose::apply(engine, project, options()); });

  // Meanwhile something else starts a container on the network this run created.
  const std::string network = project_ + "_default";
  ASSERT_TRUE(wait_until([&] { return engine.inspect_network(network).has_value(); },
                         std::chrono::seconds(60)));
  nlohmann::json body{{"Image", standin_image("ollama")},
                      {"Labels", {{"ollama-stack.test", project_}}},
                      {"HostConfig", {{"NetworkMode", network}}}};
  const std::string squatter = engine.create_container(unique_name("osk-e2e-squat"), body);
  engine.start_container(squatter);

  try {
    applied.get();
    FAIL() << "web never becomes healthy";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("dependency web is unhealthy"), std::string::npos) << message;
    EXPECT_NE(message.find("undoing it failed: network " + network +
                           " (created by this run) could not be removed"),
              std::string::npos)
        << message;
    EXPECT_EQ(message.find("everything this run created was removed"), std::string::npos)
        << message;
  }
  EXPECT_TRUE(container_of("web").id.empty()) << "the rest of the undo still ran";
  engine.remove_container(squatter, true, false);
  engine.remove_network(network);
}

}  // namespace
}  // namespace ollama_stack::e2e
