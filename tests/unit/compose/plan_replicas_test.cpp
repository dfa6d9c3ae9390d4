// Plan decisions for replicas, services that share another one's namespace, and pull policies.
#include "compose_test_support.hpp"
#include "ollama_stack/compose/plan.hpp"

namespace ollama_stack::compose {
namespace {

Project load(const std::string& yaml) { return testing::load_text(yaml).project; }

// The container as the engine lists it (networks, mounts, ports too, so no drift is seen).
engine::ContainerSummary container_for(const ServicePlan& plan, const std::string& id) {
  auto container = testing::as_the_engine_lists(plan.spec, "running");
  container.id = id;
  container.image_id = "sha256:img";
  return container;
}

Observed present(const Project& project) {
  Observed observed;
  for (const auto& [key, network] : project.networks) observed.networks[network.name] = {};
  for (const auto& [name, service] : project.services)
    observed.images[service.image] = "sha256:img";
  return observed;
}

// The engine after applying `plan`: every planned container running with the plan's labels.
Observed after(const Project& project, const Plan& plan) {
  Observed observed = present(project);
  for (const auto& service : plan.services)
    observed.containers.push_back(container_for(service, "id-" + service.spec.name));
  return observed;
}

// Applies plans until nothing changes (a service naming another one's container gets that
// container's id once it exists, as apply does).
Observed settle(const Project& project) {
  Observed observed = present(project);
  for (int round = 0; round < 3; ++round) {
    auto plan = make_plan(project, observed, {});
    if (!plan.changes_anything()) return observed;
    observed = after(project, plan);
  }
  ADD_FAILURE() << "the plan does not settle";
  return observed;
}

std::vector<std::string> names(const std::vector<ServicePlan>& plans, ServiceAction action) {
  std::vector<std::string> out;
  for (const auto& plan : plans)
    if (plan.action == action) out.push_back(plan.spec.name);
  return out;
}

TEST(PlanReplicas, CreatesOneContainerAReplicaAndScalesDownFromTheTop) {
  auto project = load("services:\n  w: {image: img, deploy: {replicas: 3}}\n");
  auto plan = make_plan(project, present(project), {});
  EXPECT_EQ(names(plan.services, ServiceAction::create),
            (std::vector<std::string>{"proj-w-1", "proj-w-2", "proj-w-3"}));

  Observed running = after(project, plan);
  EXPECT_FALSE(make_plan(project, running, {}).changes_anything());

  project.services.at("w").replicas = 1;
  auto down = make_plan(project, running, {});
  ASSERT_EQ(down.surplus.size(), 2u);
  EXPECT_EQ(down.surplus[0].name, "proj-w-3");  // highest number first
  EXPECT_EQ(down.surplus[1].name, "proj-w-2");
  EXPECT_EQ(names(down.services, ServiceAction::none), std::vector<std::string>{"proj-w-1"});
  EXPECT_TRUE(down.orphans.empty());

  project.services.at("w").replicas = 0;
  auto none = make_plan(project, running, {});
  EXPECT_TRUE(none.services.empty());
  EXPECT_EQ(none.surplus.size(), 3u);
}

TEST(PlanReplicas, ScalingUpKeepsTheRunningReplicas) {
  auto project = load("services:\n  w: {image: img}\n");
  Observed running = after(project, make_plan(project, present(project), {}));
  project.services.at("w").replicas = 2;
  auto plan = make_plan(project, running, {});
  EXPECT_EQ(names(plan.services, ServiceAction::none), std::vector<std::string>{"proj-w-1"});
  EXPECT_EQ(names(plan.services, ServiceAction::create), std::vector<std::string>{"proj-w-2"});
}

TEST(PlanReplicas, AContainerSharingANamespaceFollowsItsParent) {
  const char* yaml = R"(
services:
  main: {image: img, ipc: shareable, environment: {V: "1"}}
  side: {image: img, network_mode: "service:main", ipc: "service:main"}
  other: {image: img}
)";
  auto project = load(yaml);
  Observed running = settle(project);
  EXPECT_FALSE(make_plan(project, running, {}).changes_anything());

  project.services.at("main").environment["V"] = "2";
  auto plan = make_plan(project, running, {});
  for (const auto& service : plan.services) {
    if (service.service == "main") {
      EXPECT_EQ(service.reason, "configuration changed");
    }
    if (service.service == "side") {
      EXPECT_EQ(service.reason, "main is recreated");
    }
    if (service.service == "other") {
      EXPECT_EQ(service.action, ServiceAction::none);
    }
  }
  // side comes after main.
  EXPECT_EQ(plan.services.front().service == "side", false);
}

TEST(PlanReplicas, PullPolicies) {
  auto project = load(R"(
services:
  always: {image: "a:1", pull_policy: always}
  never: {image: "n:1", pull_policy: never}
  daily: {image: "d:1", pull_policy: daily}
  fresh: {image: "f:1", pull_policy: daily}
  built: {image: "b:1", build: ., pull_policy: build}
  arm: {image: "arm:1", platform: linux/arm64}
)");
  Observed observed;
  observed.images = {
      {"a:1", "sha256:a"}, {"d:1", "sha256:d"}, {"f:1", "sha256:f"}, {"b:1", "sha256:b"}};
  PlanOptions options;
  options.now = std::chrono::system_clock::time_point(std::chrono::seconds(10 * 86400));
  observed.image_tag_times = {{"d:1", 8 * 86400}, {"f:1", 10 * 86400 - 60}};
  auto plan = make_plan(project, observed, options);
  EXPECT_EQ(plan.images_to_pull, (std::vector<std::string>{"a:1", "arm:1", "d:1"}));
  EXPECT_EQ(plan.images_to_build, std::vector<std::string>{"built"});
  EXPECT_EQ(plan.missing_images, std::vector<std::string>{"n:1 (service never)"});
  EXPECT_EQ(plan.pull_platforms.at("arm:1"), "linux/arm64");
}

}  // namespace
}  // namespace ollama_stack::compose
