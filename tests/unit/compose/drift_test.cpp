#include "ollama_stack/compose/drift.hpp"

#include <gtest/gtest.h>

#include "compose_test_support.hpp"

namespace ollama_stack::compose {
namespace {

ContainerSpec spec_of(const std::string& yaml, const std::string& service) {
  LoadOptions options;
  options.sources = {{"/work/test/compose.yml", yaml}};
  options.lookup = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  options.project_name = "p";
  const auto project = load_project(options).project;
  return container_spec(project, project.services.at(service), SpecOptions{});
}

const char* kWeb = R"(
services:
  web:
    image: img/web:1
    ports: ["127.0.0.1:8080:80", "9000"]
    volumes: [data:/data, /srv/conf:/conf:ro]
    networks: [front, back]
networks:
  front:
  back:
volumes:
  data:
)";

TEST(Drift, AContainerAsCreatedHasNone) {
  const auto spec = spec_of(kWeb, "web");
  EXPECT_EQ(drift_reason(spec, testing::as_the_engine_lists(spec, "running")), "");
  EXPECT_EQ(drift_reason(spec, testing::as_the_engine_lists(spec, "exited")), "");
}

TEST(Drift, ADisconnectedNetworkIsNamed) {
  const auto spec = spec_of(kWeb, "web");
  auto container = testing::as_the_engine_lists(spec, "running");
  std::erase(container.networks, "p_back");
  EXPECT_EQ(drift_reason(spec, container), "not connected to network p_back");
  container.networks.clear();
  container.ports.clear();  // what the engine lists once the last network is gone
  // The primary network is named first: compose's order, by priority then name (p_back).
  EXPECT_EQ(drift_reason(spec, container), "not connected to network " + spec.primary_network);
  EXPECT_EQ(spec.primary_network, "p_back");
}

TEST(Drift, APublishedPortThatIsGoneOrMovedIsNamedOnlyWhileRunning) {
  const auto spec = spec_of(kWeb, "web");
  auto container = testing::as_the_engine_lists(spec, "running");
  for (auto& port : container.ports)
    if (port.private_port == 80) port.public_port = 8081;
  EXPECT_EQ(drift_reason(spec, container), "port 127.0.0.1:8080->80/tcp is not published");
  for (auto& port : container.ports)
    if (port.private_port == 80) port = {"0.0.0.0", 80, 8080, "tcp"};
  EXPECT_EQ(drift_reason(spec, container), "port 127.0.0.1:8080->80/tcp is not published")
      << "another address";
  std::erase_if(container.ports, [](const auto& port) { return port.private_port == 9000; });
  container.ports.push_back({"127.0.0.1", 80, 8080, "tcp"});
  EXPECT_EQ(drift_reason(spec, container), "") << "an ephemeral port may be anything";
  container.state = "exited";
  container.ports.clear();
  EXPECT_EQ(drift_reason(spec, container), "");
}

TEST(Drift, AMountThatDiffersIsNamed) {
  const auto spec = spec_of(kWeb, "web");
  const auto as_created = testing::as_the_engine_lists(spec, "running");
  auto container = as_created;
  container.mounts[0].name = "other_data";
  EXPECT_EQ(drift_reason(spec, container), "/data is volume other_data, not p_data");
  container = as_created;
  container.mounts.erase(container.mounts.begin());
  EXPECT_EQ(drift_reason(spec, container), "nothing is mounted at /data");
  container = as_created;
  container.mounts[1].read_write = true;
  EXPECT_EQ(drift_reason(spec, container), "/conf is mounted read-write");
  container = as_created;
  container.mounts[1].type = "volume";
  EXPECT_EQ(drift_reason(spec, container), "/conf is a volume mount, not a bind mount");
  container = as_created;
  container.mounts.push_back({"volume", "anonymous123", "", "/var/cache", true});
  EXPECT_EQ(drift_reason(spec, container), "") << "an image's own VOLUME is not drift";
}

}  // namespace
}  // namespace ollama_stack::compose
