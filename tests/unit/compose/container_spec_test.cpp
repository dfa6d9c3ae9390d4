#include "ollama_stack/compose/container_spec.hpp"

#include <gtest/gtest.h>

#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/compose/load.hpp"

namespace ollama_stack::compose {
namespace {

// A caller's own label (the stack passes its installation label this way).
constexpr const char* kExtraLabel = "ollama-stack.installation";

Project load(const std::string& yaml) {
  LoadOptions options;
  options.sources = {{"/srv/stack/compose.yml", yaml}};
  options.lookup = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  options.project_name = "p";
  return load_project(options).project;
}

TEST(ContainerSpec, TranslatesAServiceIntoTheEnginesCreateBody) {
  auto project = load(R"(
services:
  web:
    image: img/web:1
    command: ["serve", "--port", "80"]
    environment: {A: "1"}
    ports: ["127.0.0.1:8080:80"]
    volumes: [data:/data, ./conf:/conf:ro]
    networks:
      front: {aliases: [www]}
      back: {}
    healthcheck:
      test: ["CMD", "probe"]
      interval: 2s
      retries: 5
    restart: on-failure:3
    mem_limit: 256m
    cpus: 0.5
    extra_hosts: ["host.docker.internal:host-gateway"]
    stop_grace_period: 7s
    devices: ["/dev/kfd"]
    group_add: [video, "993"]
    deploy:
      resources:
        reservations:
          devices: [{driver: nvidia, count: all, capabilities: [gpu]}]
volumes: {data: {}}
networks: {front: {}, back: {}}
)");
  SpecOptions options;
  options.extra_labels = {{kExtraLabel, "p"}};
  auto spec = container_spec(project, project.services.at("web"), options);
  const auto& body = spec.body;
  EXPECT_EQ(spec.name, "p-web-1");
  EXPECT_EQ(body["Image"], "img/web:1");
  EXPECT_EQ(body["Cmd"], (std::vector<std::string>{"serve", "--port", "80"}));
  EXPECT_FALSE(body.contains("Entrypoint"));
  EXPECT_EQ(body["Env"], std::vector<std::string>{"A=1"});
  EXPECT_TRUE(body["ExposedPorts"].contains("80/tcp"));
  EXPECT_EQ(body["HostConfig"]["PortBindings"]["80/tcp"][0]["HostIp"], "127.0.0.1");
  EXPECT_EQ(body["HostConfig"]["PortBindings"]["80/tcp"][0]["HostPort"], "8080");
  EXPECT_EQ(body["HostConfig"]["Mounts"][0]["Source"], "p_data");
  EXPECT_EQ(body["HostConfig"]["Mounts"][0]["Type"], "volume");
  EXPECT_EQ(body["HostConfig"]["Mounts"][1]["Source"], "/srv/stack/conf");
  EXPECT_EQ(body["HostConfig"]["Mounts"][1]["ReadOnly"], true);
  EXPECT_EQ(body["HostConfig"]["RestartPolicy"]["Name"], "on-failure");
  EXPECT_EQ(body["HostConfig"]["RestartPolicy"]["MaximumRetryCount"], 3);
  EXPECT_EQ(body["HostConfig"]["Memory"], 268435456);
  EXPECT_EQ(body["HostConfig"]["NanoCpus"], 500000000);
  EXPECT_EQ(body["HostConfig"]["ExtraHosts"][0], "host.docker.internal:host-gateway");
  EXPECT_EQ(body["HostConfig"]["Devices"][0]["PathOnHost"], "/dev/kfd");
  EXPECT_EQ(body["HostConfig"]["Devices"][0]["PathInContainer"], "/dev/kfd");
  EXPECT_EQ(body["HostConfig"]["Devices"][0]["CgroupPermissions"], "rwm");
  EXPECT_EQ(body["HostConfig"]["GroupAdd"], (std::vector<std::string>{"video", "993"}));
  EXPECT_EQ(body["HostConfig"]["DeviceRequests"][0]["Driver"], "nvidia");
  EXPECT_EQ(body["HostConfig"]["DeviceRequests"][0]["Count"], -1);
  EXPECT_EQ(body["HostConfig"]["DeviceRequests"][0]["Capabilities"][0][0], "gpu");
  EXPECT_EQ(body["Healthcheck"]["Test"], (std::vector<std::string>{"CMD", "probe"}));
  EXPECT_EQ(body["Healthcheck"]["Interval"], 2000000000);
  EXPECT_EQ(body["Healthcheck"]["Retries"], 5);
  EXPECT_EQ(body["StopTimeout"], 7);
  // One network at create (API 1.41), the other connected afterwards; the service name is an alias.
  EXPECT_EQ(spec.primary_network, body["HostConfig"]["NetworkMode"]);
  ASSERT_EQ(spec.extra_networks.size(), 1u);
  EXPECT_EQ(body["NetworkingConfig"]["EndpointsConfig"].size(), 1u);
  const auto& labels_json = body["Labels"];
  EXPECT_EQ(labels_json[labels::kProject], "p");
  EXPECT_EQ(labels_json[labels::kService], "web");
  EXPECT_EQ(labels_json[labels::kContainerNumber], "1");
  EXPECT_EQ(labels_json[labels::kOneoff], "False");
  EXPECT_EQ(labels_json[kExtraLabel], "p");
  EXPECT_EQ(labels_json[labels::kWorkingDir], "/srv/stack");
  EXPECT_EQ(labels_json[labels::kConfigHash], spec.config_hash);
  EXPECT_EQ(spec.config_hash.size(), 64u);
}

TEST(ContainerSpec, HashChangesWithConfigurationAndOnlyWithIt) {
  auto project = load("services:\n  web:\n    image: img/web:1\n    environment: {A: '1'}\n");
  const auto first = container_spec(project, project.services.at("web"), SpecOptions{}).config_hash;
  EXPECT_EQ(first, container_spec(project, project.services.at("web"), SpecOptions{}).config_hash);
  project.services.at("web").environment["A"] = "2";
  EXPECT_NE(first, container_spec(project, project.services.at("web"), SpecOptions{}).config_hash);
}

TEST(ContainerSpec, Sha256MatchesAKnownDigest) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace ollama_stack::compose
