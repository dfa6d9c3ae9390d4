#include "ollama_stack/compose/plan.hpp"

#include <gtest/gtest.h>

#include "compose_test_support.hpp"
#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/compose/load.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {
namespace {

Project load(const std::string& yaml) {
  LoadOptions options;
  options.sources = {{"/work/test/compose.yml", yaml}};
  options.lookup = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  options.project_name = "p";
  return load_project(options).project;
}

const char* kTwoServices = R"(
services:
  db:
    image: img/db:1
    volumes: [data:/data]
  web:
    image: img/web:1
    environment: {A: "1"}
    depends_on: [db]
volumes:
  data:
)";

engine::ContainerSummary container_for(const ServicePlan& plan, const std::string& state,
                                       const std::string& image_id = "sha256:web") {
  auto container = testing::as_the_engine_lists(plan.spec, state);
  container.id = "id-" + plan.service;
  container.image_id = image_id;
  return container;
}

Observed everything_present(const Project& project) {
  Observed observed;
  for (const auto& [key, network] : project.networks) observed.networks[network.name] = {};
  for (const auto& [key, volume] : project.volumes) observed.volumes[volume.name] = {};
  for (const auto& [name, service] : project.services) observed.images[service.image] = "sha256:" + name;
  return observed;
}

TEST(Plan, FreshProjectCreatesEverythingInDependencyOrder) {
  auto project = load(kTwoServices);
  Observed observed;
  auto plan = make_plan(project, observed, {});
  EXPECT_EQ(plan.networks_to_create, std::vector<std::string>{"default"});
  EXPECT_EQ(plan.volumes_to_create, std::vector<std::string>{"data"});
  EXPECT_EQ(plan.images_to_pull, (std::vector<std::string>{"img/db:1", "img/web:1"}));
  ASSERT_EQ(plan.services.size(), 2u);
  EXPECT_EQ(plan.services[0].service, "db");
  EXPECT_EQ(plan.services[1].service, "web");
  for (const auto& service : plan.services) EXPECT_EQ(service.action, ServiceAction::create);
  EXPECT_TRUE(plan.changes_anything());
}

TEST(Plan, UnchangedRunningProjectDoesNothing) {
  auto project = load(kTwoServices);
  auto observed = everything_present(project);
  auto first = make_plan(project, observed, {});
  for (const auto& service : first.services)
    observed.containers.push_back(container_for(service, "running", "sha256:" + service.service));
  auto plan = make_plan(project, observed, {});
  EXPECT_FALSE(plan.changes_anything());
  for (const auto& service : plan.services) EXPECT_EQ(service.action, ServiceAction::none) << service.service;
}

TEST(Plan, ChangedEnvironmentRecreatesOnlyThatService) {
  auto project = load(kTwoServices);
  auto observed = everything_present(project);
  for (const auto& service : make_plan(project, observed, {}).services)
    observed.containers.push_back(container_for(service, "running", "sha256:" + service.service));
  project.services.at("web").environment["A"] = "2";
  auto plan = make_plan(project, observed, {});
  EXPECT_EQ(plan.services[0].action, ServiceAction::none);
  EXPECT_EQ(plan.services[1].action, ServiceAction::recreate);
  EXPECT_EQ(plan.services[1].reason, "configuration changed");
  EXPECT_EQ(plan.services[1].existing_id, "id-web");
}

TEST(Plan, NewImageIdRecreatesAndStoppedContainerStarts) {
  auto project = load(kTwoServices);
  auto observed = everything_present(project);
  for (const auto& service : make_plan(project, observed, {}).services)
    observed.containers.push_back(container_for(service, service.service == "db" ? "exited" : "running",
                                                "sha256:" + service.service));
  observed.images["img/web:1"] = "sha256:newer";
  auto plan = make_plan(project, observed, {});
  EXPECT_EQ(plan.services[0].action, ServiceAction::start);
  EXPECT_EQ(plan.services[1].action, ServiceAction::recreate);
  EXPECT_EQ(plan.services[1].reason, "image changed");
}

TEST(Plan, ContainersOfRemovedServicesAreOrphans) {
  auto project = load(kTwoServices);
  auto observed = everything_present(project);
  for (const auto& service : make_plan(project, observed, {}).services)
    observed.containers.push_back(container_for(service, "running", "sha256:" + service.service));
  engine::ContainerSummary old;
  old.id = "id-old";
  old.name = "p-old-1";
  old.labels = {{labels::kProject, "p"}, {labels::kService, "old"}};
  observed.containers.push_back(old);
  auto plan = make_plan(project, observed, {});
  ASSERT_EQ(plan.orphans.size(), 1u);
  EXPECT_EQ(plan.orphans[0].id, "id-old");
  EXPECT_TRUE(plan.changes_anything());
  PlanOptions keep;
  keep.remove_orphans = false;
  EXPECT_TRUE(make_plan(project, observed, keep).orphans.empty());
}

TEST(Plan, MissingExternalNetworkIsReportedNotCreated) {
  auto project = load(R"(
services:
  web:
    image: img/web:1
    networks: [outside]
networks:
  outside:
    external: true
    name: shared-net
)");
  auto plan = make_plan(project, Observed{}, {});
  EXPECT_TRUE(plan.networks_to_create.empty());
  EXPECT_EQ(plan.missing_external, std::vector<std::string>{"shared-net"});
}

TEST(Plan, DependencyCycleIsAConfigError) {
  // The loader already refuses cycles with file:line; plan must not loop on one either.
  auto project = load("services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x}\n");
  project.services.at("b").depends_on.push_back({"a"});
  try {
    dependency_order(project);
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("cycle"), std::string::npos) << error.what();
  }
}

TEST(Plan, AContainerCutOffFromItsNetworkIsRecreated) {
  auto project = load(kTwoServices);
  auto observed = everything_present(project);
  for (const auto& service : make_plan(project, observed, {}).services)
    observed.containers.push_back(container_for(service, "running", "sha256:" + service.service));
  observed.containers[1].networks.clear();  // docker network disconnect p_default p-web-1
  auto plan = make_plan(project, observed, {});
  EXPECT_EQ(plan.services[0].action, ServiceAction::none);
  EXPECT_EQ(plan.services[1].action, ServiceAction::recreate);
  EXPECT_EQ(plan.services[1].reason, "not connected to network p_default");
}

}  // namespace
}  // namespace ollama_stack::compose
