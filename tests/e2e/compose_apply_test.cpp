// The compose engine applied to the real Docker Engine: the stack's embedded files with images
// pointed at the stand-ins. Its undo tells the truth: a recreate that fails after the old
// container was stopped puts it back running, and what the undo cannot remove is reported.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/compose/load.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/stack_project.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/error.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = stack::labels;

class ComposeApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-apply");
    stack::ensure_home(home_.path());
    variables_ = standin_stack_env(project_);
  }
  void TearDown() override {
    if (project_.empty()) return;
    remove_labelled("ollama-stack.test", project_);  // what a test put in the stack's way
    remove_labelled(labels::kProject, project_);
  }

  compose::Project load() {
    auto lookup = [this](std::string_view name) -> std::optional<std::string> {
      auto found = variables_.find(std::string(name));
      return found == variables_.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
    return stack::load_stack_project({home_.path()}, lookup, stack::Platform::cpu, "").project;
  }

  compose::ApplyOptions options() {
    compose::ApplyOptions apply_options;
    apply_options.plan.extra_labels = {{labels::kInstallation, project_}, {labels::kComponent, "core"}};
    apply_options.progress = [this](const ProgressUpdate& update) {
      std::lock_guard lock(mutex_);
      events_.push_back(update);
    };
    return apply_options;
  }

  std::vector<engine::ContainerSummary> containers() {
    return test_engine().list_containers({{"label", {std::string(labels::kProject) + "=" + project_}}}, true);
  }

  engine::ContainerSummary container_of(const std::string& service) {
    for (const auto& container : containers())
      if (container.labels.at(labels::kService) == service) return container;
    return {};
  }
  std::string container_id(const std::string& service) { return container_of(service).id; }

  // Index of the first progress event of `task` with `message`, or -1.
  int event_index(const std::string& task, const std::string& message) {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < events_.size(); ++i)
      if (events_[i].task == task && events_[i].message == message) return static_cast<int>(i);
    return -1;
  }

  TempDir home_;
  std::string project_;
  std::map<std::string, std::string> variables_;
  std::mutex mutex_;
  std::vector<ProgressUpdate> events_;
};

TEST_F(ComposeApplyTest, AppliesTheStackRecreatesOnlyWhatChangedAndDownKeepsVolumes) {
  auto& engine = test_engine();
  auto project = load();
  push_home_mcp_config(project, options().plan.extra_labels, home_.path());
  auto result = compose::apply(engine, project, options());
  EXPECT_TRUE(result.changed);
  ASSERT_EQ(result.services.size(), 3u);
  EXPECT_EQ(result.created_networks, std::vector<std::string>{project_ + "_default"});
  EXPECT_EQ(result.created_volumes.size(), 2u);

  // Names, labels, ports, network, volumes.
  auto found = containers();
  ASSERT_EQ(found.size(), 3u);
  for (const auto& container : found) {
    const std::string service = container.labels.at(labels::kService);
    EXPECT_EQ(container.name, project_ + "-" + service + "-1");
    EXPECT_EQ(container.state, "running") << service;
    EXPECT_EQ(container.labels.at(labels::kContainerNumber), "1");
    EXPECT_EQ(container.labels.at(labels::kOneoff), "False");
    EXPECT_EQ(container.labels.at(labels::kInstallation), project_);
    EXPECT_EQ(container.labels.at(labels::kComponent), "core");
    EXPECT_EQ(container.labels.at(labels::kConfigHash).size(), 64u);
    const std::string port_variable = service == "ollama" ? "OLLAMA_PORT" : service == "webui" ? "WEBUI_PORT" : "MCP_PROXY_PORT";
    bool published = false;
    for (const auto& port : container.ports)
      if (std::to_string(port.public_port) == variables_[port_variable] && port.ip == "127.0.0.1") published = true;
    EXPECT_TRUE(published) << service << " on " << variables_[port_variable];
    auto inspected = engine.inspect_container(container.id);
    EXPECT_EQ(inspected.networks, std::vector<std::string>{project_ + "_default"}) << service;
  }
  auto network = engine.inspect_network(project_ + "_default");
  ASSERT_TRUE(network.has_value());
  EXPECT_EQ(network->labels.at(labels::kProject), project_);
  EXPECT_EQ(network->labels.at(labels::kNetwork), "default");
  auto volume = engine.inspect_volume(project_ + "_ollama_data");
  ASSERT_TRUE(volume.has_value());
  EXPECT_EQ(volume->labels.at(labels::kVolume), "ollama_data");

  // Start order: webui depends on ollama, so it is created only after ollama started.
  const int ollama_started = event_index("service:ollama", "started");
  const int webui_created = event_index("service:webui", "creating");
  ASSERT_GE(ollama_started, 0);
  ASSERT_GE(webui_created, 0);
  EXPECT_LT(ollama_started, webui_created);

  // Unchanged: nothing to do.
  const std::string webui_id = container_id("webui"), ollama_id = container_id("ollama"),
                    proxy_id = container_id("mcp_proxy");
  auto again = compose::apply(engine, load(), options());
  EXPECT_FALSE(again.changed);
  EXPECT_EQ(container_id("ollama"), ollama_id);

  // One service's environment changes: only that container is recreated.
  variables_["OLLAMA_KEEP_ALIVE"] = "10m";
  auto changed = compose::apply(engine, load(), options());
  EXPECT_TRUE(changed.changed);
  EXPECT_NE(container_id("ollama"), ollama_id);
  EXPECT_EQ(container_id("webui"), webui_id);
  EXPECT_EQ(container_id("mcp_proxy"), proxy_id);
  EXPECT_EQ(containers().size(), 3u) << "the replaced container is gone";
  auto env = engine.inspect_container(container_id("ollama")).env;
  EXPECT_NE(std::find(env.begin(), env.end(), "OLLAMA_KEEP_ALIVE=10m"), env.end());

  // Down: containers and network removed, volumes kept.
  auto removed = compose::down(engine, project_, {});
  EXPECT_EQ(removed.removed_containers.size(), 3u);
  EXPECT_TRUE(containers().empty());
  EXPECT_FALSE(engine.inspect_network(project_ + "_default").has_value());
  EXPECT_TRUE(engine.inspect_volume(project_ + "_ollama_data").has_value());
  EXPECT_TRUE(engine.inspect_volume(project_ + "_webui_data").has_value());
}

TEST_F(ComposeApplyTest, AFailingImageLeavesNoContainerOrNetworkBehind) {
  variables_["MCP_PROXY_IMAGE"] = "ollama-stack-standin/absent:none";
  auto& engine = test_engine();
  try {
    compose::apply(engine, load(), options());
    FAIL() << "an image that cannot be pulled must fail the apply";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::failed);
    EXPECT_NE(std::string(error.what()).find("ollama-stack-standin/absent:none"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(containers().empty());
  EXPECT_FALSE(engine.inspect_network(project_ + "_default").has_value());
}

TEST_F(ComposeApplyTest, CancellingMidwayUndoesWhatWasCreated) {
  auto& engine = test_engine();
  std::atomic<bool> cancel{false};
  auto apply_options = options();
  auto record = apply_options.progress;
  apply_options.progress = [&](const ProgressUpdate& update) {
    record(update);
    // Ctrl-C as soon as the first container has been started.
    if (update.task.starts_with("service:") && update.message == "started") cancel = true;
  };
  apply_options.cancelled = [&] { return cancel.load(); };
  EXPECT_THROW(compose::apply(engine, load(), apply_options), Interrupted);
  EXPECT_TRUE(containers().empty());
  EXPECT_FALSE(engine.inspect_network(project_ + "_default").has_value());
  EXPECT_TRUE(engine.inspect_volume(project_ + "_ollama_data").has_value()) << "volumes are never undone";
}

// A project whose `app` waits for `job` to exit 0 and for `web`'s Docker healthcheck (first run
// 2 s after start) to pass: without those waits apply would return while web is still starting.
compose::Project dependency_project(const std::string& name, int job_exit_code) {
  const std::string yaml = fmt::format(R"(name: {}
services:
  job:
    image: {}
    environment: {{STANDIN_EXIT_AFTER_MS: "300", STANDIN_EXIT_CODE: "{}"}}
  web:
    image: {}
  app:
    image: {}
    depends_on:
      job: {{condition: service_completed_successfully}}
      web: {{condition: service_healthy}}
)",
                                       name, standin_image("ollama"), job_exit_code, standin_image("webui"),
                                       standin_image("ollama"));
  compose::LoadOptions options;
  options.sources = {{"dependencies/docker-compose.yml", yaml}};
  options.working_dir = "/tmp";
  options.lookup = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  return compose::load_project(options).project;
}

TEST_F(ComposeApplyTest, WaitsForHealthyAndCompletedDependencies) {
  compose::apply(test_engine(), dependency_project(project_, 0), options());
  auto web = test_engine().inspect_container(container_id("web"));
  EXPECT_EQ(web.state.health, "healthy") << "app was started before web's healthcheck passed";
  auto job = test_engine().inspect_container(container_id("job"));
  EXPECT_FALSE(job.state.running);
  EXPECT_EQ(job.state.exit_code, 0);
  EXPECT_TRUE(test_engine().inspect_container(container_id("app")).state.running);
}

TEST_F(ComposeApplyTest, AFailedDependencyStopsTheServiceThatNeedsIt) {
  try {
    compose::apply(test_engine(), dependency_project(project_, 3), options());
    FAIL() << "apply succeeded although job exited with code 3";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("dependency job exited with code 3"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(container_id("app").empty()) << "what this run created is removed when it fails";
}

TEST_F(ComposeApplyTest, ARecreateThatFailsAfterStoppingTheOldContainerPutsItBackRunning) {
  auto& engine = test_engine();
  compose::apply(engine, load(), options());
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
    compose::apply(engine, load(), options());
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

TEST_F(ComposeApplyTest, WhatTheUndoCannotRemoveIsReportedNotHidden) {
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
