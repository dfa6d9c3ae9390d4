// Every service key with an Engine API counterpart → the container-create body, compared with
// what Docker Compose v2 sends for the same service (pkg/compose/create.go getCreateConfigs,
// getDeployResources, buildContainerVolumes, defaultNetworkSettings; compose-spec 05-services.md
// and deploy.md for the documented meaning of each key).
#include <gtest/gtest.h>

#include "ollama_stack/compose/container_spec.hpp"
#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/compose/load.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {
namespace {

using nlohmann::json;

Project load(const std::string& yaml, std::map<std::string, std::string> files = {}) {
  LoadOptions options;
  options.sources = {{"/srv/app/compose.yml", yaml}};
  options.lookup = [](std::string_view name) -> std::optional<std::string> {
    if (name == "TOKEN") return "s3cret";
    return std::nullopt;
  };
  options.read_file = [files](const std::string& path) -> std::optional<std::string> {
    auto found = files.find(path);
    return found == files.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
  options.project_name = "p";
  return load_project(options).project;
}

json body_of(const std::string& service_yaml, const std::string& extra = {},
             const std::string& api = "1.41") {
  auto project = load("services:\n  s:\n    image: img\n" + service_yaml + extra);
  SpecOptions options;
  options.api_version = api;
  return container_spec(project, project.services.at("s"), options).body;
}

struct Case {
  const char* name;
  const char* yaml;      // lines of service `s` (4-space indent)
  const char* pointer;   // into the create body
  const char* expected;  // JSON
};

class EngineField : public ::testing::TestWithParam<Case> {};

TEST_P(EngineField, ConvertsAsDockerComposeDoes) {
  const Case& c = GetParam();
  const json body = body_of(c.yaml);
  const json::json_pointer pointer(c.pointer);
  ASSERT_TRUE(body.contains(pointer)) << c.pointer << " missing in " << body.dump(2);
  EXPECT_EQ(body.at(pointer), json::parse(c.expected)) << c.pointer;
}

TEST_P(EngineField, IsCoveredByTheConfigHashOfItsServiceOnly) {
  // Changing the key recreates the service that has it, and only that one.
  const std::string yaml = GetParam().yaml;
  size_t top_level = 0;  // where lines written after the service (volumes:, networks:) begin
  while (top_level < yaml.size() && yaml[top_level] == ' ')
    top_level = yaml.find('\n', top_level) + 1;
  auto hashes = [&](const std::string& service_yaml) {
    auto project = load("services:\n  s:\n    image: img\n" + service_yaml +
                        "  t:\n    image: img\n" + yaml.substr(top_level));
    return std::pair{container_spec(project, project.services.at("s"), SpecOptions{}).config_hash,
                     container_spec(project, project.services.at("t"), SpecOptions{}).config_hash};
  };
  const auto without = hashes("");
  const auto with = hashes(yaml.substr(0, top_level));
  EXPECT_NE(with.first, without.first);
  EXPECT_EQ(with.second, without.second);
}

const Case kCases[] = {
    // Container config
    {"hostname", "    hostname: box\n", "/Hostname", R"("box")"},
    {"domainname", "    domainname: example.org\n", "/Domainname", R"("example.org")"},
    {"stop_signal", "    stop_signal: SIGINT\n", "/StopSignal", R"("SIGINT")"},
    {"expose", "    expose: [\"3000\", 8080, \"9000-9001/udp\"]\n", "/ExposedPorts",
     R"({"3000/tcp": {}, "8080/tcp": {}, "9000/udp": {}, "9001/udp": {}})"},
    {"mac_address_old_api", "    mac_address: 02:42:ac:11:00:02\n", "/MacAddress",
     R"("02:42:ac:11:00:02")"},
    // Namespaces and process
    {"init", "    init: true\n", "/HostConfig/Init", "true"},
    {"init_false", "    init: false\n", "/HostConfig/Init", "false"},
    {"privileged", "    privileged: true\n", "/HostConfig/Privileged", "true"},
    {"read_only", "    read_only: true\n", "/HostConfig/ReadonlyRootfs", "true"},
    {"ipc", "    ipc: shareable\n", "/HostConfig/IpcMode", R"("shareable")"},
    {"ipc_container", "    ipc: container:other\n", "/HostConfig/IpcMode", R"("container:other")"},
    {"pid", "    pid: host\n", "/HostConfig/PidMode", R"("host")"},
    {"uts", "    uts: host\n", "/HostConfig/UTSMode", R"("host")"},
    {"cgroup", "    cgroup: private\n", "/HostConfig/CgroupnsMode", R"("private")"},
    {"userns_mode", "    userns_mode: host\n", "/HostConfig/UsernsMode", R"("host")"},
    {"runtime", "    runtime: runc\n", "/HostConfig/Runtime", R"("runc")"},
    {"isolation", "    isolation: default\n", "/HostConfig/Isolation", R"("default")"},
    {"network_mode_host", "    network_mode: host\n", "/HostConfig/NetworkMode", R"("host")"},
    {"network_mode_none", "    network_mode: none\n", "/HostConfig/NetworkMode", R"("none")"},
    {"network_mode_container", "    network_mode: container:vpn\n", "/HostConfig/NetworkMode",
     R"("container:vpn")"},
    {"network_mode_no_endpoints", "    network_mode: host\n", "/NetworkingConfig/EndpointsConfig",
     "{}"},
    {"group_add", "    group_add: [video, 4242]\n", "/HostConfig/GroupAdd", R"(["video", "4242"])"},
    {"cap_drop", "    cap_drop: [NET_RAW]\n", "/HostConfig/CapDrop", R"(["NET_RAW"])"},
    {"sysctls_map", "    sysctls:\n      net.core.somaxconn: 1024\n", "/HostConfig/Sysctls",
     R"({"net.core.somaxconn": "1024"})"},
    {"sysctls_list", "    sysctls: [net.ipv4.tcp_syncookies=0]\n", "/HostConfig/Sysctls",
     R"({"net.ipv4.tcp_syncookies": "0"})"},
    {"storage_opt", "    storage_opt: {size: 1G}\n", "/HostConfig/StorageOpt", R"({"size": "1G"})"},
    {"tmpfs", "    tmpfs: [/run, \"/data:mode=755,uid=1009\"]\n", "/HostConfig/Tmpfs",
     R"({"/run": "", "/data": "mode=755,uid=1009"})"},
    {"tmpfs_string", "    tmpfs: /run\n", "/HostConfig/Tmpfs", R"({"/run": ""})"},
    {"volumes_from_container", "    volumes_from: [\"container:data:ro\"]\n",
     "/HostConfig/VolumesFrom", R"(["data:ro"])"},
    {"external_links", "    external_links: [redis, \"db:database\"]\n", "/HostConfig/Links",
     R"(["redis:redis", "db:database"])"},
    {"dns", "    dns: 8.8.8.8\n", "/HostConfig/Dns", R"(["8.8.8.8"])"},
    {"dns_search", "    dns_search: [a.example, b.example]\n", "/HostConfig/DnsSearch",
     R"(["a.example", "b.example"])"},
    {"dns_opt", "    dns_opt: [use-vc]\n", "/HostConfig/DnsOptions", R"(["use-vc"])"},
    {"logging",
     "    logging:\n      driver: json-file\n      options: {max-size: 10m, max-file: 3}\n",
     "/HostConfig/LogConfig",
     R"({"Type": "json-file", "Config": {"max-size": "10m", "max-file": "3"}})"},
    {"security_opt_unconfined", "    security_opt: [systempaths=unconfined]\n",
     "/HostConfig/MaskedPaths", "[]"},
    {"oom_score_adj", "    oom_score_adj: -500\n", "/HostConfig/OomScoreAdj", "-500"},
    // Resources
    {"cpu_shares", "    cpu_shares: 512\n", "/HostConfig/CpuShares", "512"},
    {"cpu_period", "    cpu_period: 100000\n", "/HostConfig/CpuPeriod", "100000"},
    {"cpu_quota", "    cpu_quota: 50000\n", "/HostConfig/CpuQuota", "50000"},
    {"cpu_rt_runtime_duration", "    cpu_rt_runtime: 400ms\n", "/HostConfig/CpuRealtimeRuntime",
     "400000"},
    {"cpu_rt_period_number", "    cpu_rt_period: 11000\n", "/HostConfig/CpuRealtimePeriod",
     "11000"},
    {"cpu_count", "    cpu_count: 2\n", "/HostConfig/CpuCount", "2"},
    {"cpu_percent", "    cpu_percent: 50\n", "/HostConfig/CpuPercent", "50"},
    {"cpuset", "    cpuset: 0-1\n", "/HostConfig/CpusetCpus", R"("0-1")"},
    {"cgroup_parent", "    cgroup_parent: m-executor\n", "/HostConfig/CgroupParent",
     R"("m-executor")"},
    {"mem_reservation", "    mem_reservation: 64m\n", "/HostConfig/MemoryReservation", "67108864"},
    {"memswap_limit", "    mem_limit: 300m\n    memswap_limit: 1g\n", "/HostConfig/MemorySwap",
     "1073741824"},
    {"memswap_unlimited", "    memswap_limit: -1\n", "/HostConfig/MemorySwap", "-1"},
    {"mem_swappiness", "    mem_swappiness: 0\n", "/HostConfig/MemorySwappiness", "0"},
    {"oom_kill_disable", "    oom_kill_disable: true\n", "/HostConfig/OomKillDisable", "true"},
    {"pids_limit", "    pids_limit: 100\n", "/HostConfig/PidsLimit", "100"},
    {"deploy_limits",
     "    deploy:\n      resources:\n        limits: {cpus: '0.25', memory: 64m, pids: 50}\n",
     "/HostConfig/PidsLimit", "50"},
    {"deploy_limits_cpus", "    deploy:\n      resources:\n        limits: {cpus: '0.25'}\n",
     "/HostConfig/NanoCpus", "250000000"},
    {"deploy_reservation", "    deploy:\n      resources:\n        reservations: {memory: 20M}\n",
     "/HostConfig/MemoryReservation", "20971520"},
    {"blkio_weight", "    blkio_config: {weight: 300}\n", "/HostConfig/BlkioWeight", "300"},
    {"blkio_weight_device",
     "    blkio_config:\n      weight_device: [{path: /dev/sda, weight: 400}]\n",
     "/HostConfig/BlkioWeightDevice", R"([{"Path": "/dev/sda", "Weight": 400}])"},
    {"blkio_read_bps",
     "    blkio_config:\n      device_read_bps: [{path: /dev/sdb, rate: '12mb'}]\n",
     "/HostConfig/BlkioDeviceReadBps", R"([{"Path": "/dev/sdb", "Rate": 12582912}])"},
    {"blkio_write_iops",
     "    blkio_config:\n      device_write_iops: [{path: /dev/sdb, rate: 30}]\n",
     "/HostConfig/BlkioDeviceWriteIOps", R"([{"Path": "/dev/sdb", "Rate": 30}])"},
    {"device_cgroup_rules", "    device_cgroup_rules: ['c 1:3 mr']\n",
     "/HostConfig/DeviceCgroupRules", R"(["c 1:3 mr"])"},
    {"devices_long", "    devices: [{source: /dev/ttyUSB0, target: /dev/ttyS0, permissions: r}]\n",
     "/HostConfig/Devices",
     R"([{"PathOnHost": "/dev/ttyUSB0", "PathInContainer": "/dev/ttyS0", "CgroupPermissions": "r"}])"},
    {"gpus_list", "    gpus: [{driver: nvidia, count: 2}]\n", "/HostConfig/DeviceRequests/0",
     R"({"Driver": "nvidia", "Count": 2, "DeviceIDs": [], "Capabilities": [["gpu"]], "Options": {}})"},
    {"deploy_restart_policy",
     "    deploy:\n      restart_policy: {condition: on-failure, max_attempts: 3}\n",
     "/HostConfig/RestartPolicy", R"({"Name": "on-failure", "MaximumRetryCount": 3})"},
    {"deploy_restart_any",
     "    restart: \"no\"\n    deploy:\n      restart_policy: {condition: any}\n",
     "/HostConfig/RestartPolicy", R"({"Name": "always", "MaximumRetryCount": 0})"},
    // Mounts
    {"volume_nocopy", "    volumes: [\"data:/data:nocopy\"]\nvolumes: {data: {}}\n",
     "/HostConfig/Mounts/0/VolumeOptions", R"({"NoCopy": true})"},
    {"bind_propagation",
     "    volumes: [{type: bind, source: /srv, target: /srv, bind: {propagation: rshared}}]\n",
     "/HostConfig/Mounts/0/BindOptions", R"({"Propagation": "rshared"})"},
    {"bind_selinux", "    volumes: [\"/srv/data:/data:z\"]\n", "/HostConfig/Binds",
     R"(["/srv/data:/data:rw,z"])"},
    {"tmpfs_mount_options",
     "    volumes: [{type: tmpfs, target: /cache, tmpfs: {size: 1m, mode: 0700}}]\n",
     "/HostConfig/Mounts/0", R"({"Type": "tmpfs", "Target": "/cache", "ReadOnly": false,
                                "TmpfsOptions": {"SizeBytes": 1048576, "Mode": 448}})"},
    {"consistency", "    volumes: [\"./src:/src:cached\"]\n", "/HostConfig/Mounts/0/Consistency",
     R"("cached")"},
    // Networks
    {"network_static_ip",
     "    networks:\n      front: {ipv4_address: 172.16.238.10, aliases: [web]}\nnetworks:\n  "
     "front:\n    ipam: "
     "{config: [{subnet: 172.16.238.0/24}]}\n",
     "/NetworkingConfig/EndpointsConfig/p_front",
     R"({"Aliases": ["s", "web"], "IPAMConfig": {"IPv4Address": "172.16.238.10"}})"},
    {"network_driver_opts", "    networks:\n      default: {driver_opts: {foo: bar}}\n",
     "/NetworkingConfig/EndpointsConfig/p_default/DriverOpts", R"({"foo": "bar"})"},
};

INSTANTIATE_TEST_SUITE_P(ComposeKeys, EngineField, ::testing::ValuesIn(kCases),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(EngineFields, UnsetKeysAddNothingToTheBody) {
  // A service using none of the newer keys gets the body it always had, so upgrading ollama-stack
  // does not recreate the stack's containers.
  const json body = body_of("");
  for (const char* key : {"Hostname", "Domainname", "StopSignal", "MacAddress"})
    EXPECT_FALSE(body.contains(key)) << key;
  const json& host = body["HostConfig"];
  std::vector<std::string> keys;
  for (const auto& [key, value] : host.items()) keys.push_back(key);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"Mounts", "NetworkMode", "PortBindings", "RestartPolicy"}));
}

TEST(EngineFields, ServiceReferencesResolveToTheFirstContainer) {
  auto project = load(R"(
services:
  main: {image: img, ipc: shareable}
  side:
    image: img
    ipc: "service:main"
    network_mode: "service:main"
    pid: "service:main"
    volumes_from: [main, "main:ro"]
)");
  SpecOptions options;
  const json by_name =
      container_spec(project, project.services.at("side"), options).body["HostConfig"];
  EXPECT_EQ(by_name["IpcMode"], "container:p-main-1");
  EXPECT_EQ(by_name["NetworkMode"], "container:p-main-1");
  EXPECT_EQ(by_name["PidMode"], "container:p-main-1");
  options.service_containers = {{"main", "abc123"}};
  const auto spec = container_spec(project, project.services.at("side"), options);
  EXPECT_EQ(spec.body["HostConfig"]["IpcMode"], "container:abc123");
  EXPECT_EQ(spec.body["HostConfig"]["NetworkMode"], "container:abc123");
  EXPECT_EQ(spec.body["HostConfig"]["VolumesFrom"], json::parse(R"(["abc123", "abc123:ro"])"));
  // The hash follows the container: a recreated main means a new hash for side.
  options.service_containers = {{"main", "def456"}};
  EXPECT_NE(container_spec(project, project.services.at("side"), options).config_hash,
            spec.config_hash);
  // network_mode service: sends no endpoint of its own.
  EXPECT_TRUE(spec.body["NetworkingConfig"]["EndpointsConfig"].empty());
}

TEST(EngineFields, LinksNameEveryReplicaOfTheLinkedService) {
  auto project = load(R"(
services:
  db: {image: img, deploy: {replicas: 2}}
  web: {image: img, links: ["db:database"]}
)");
  const auto body = container_spec(project, project.services.at("web"), SpecOptions{}).body;
  EXPECT_EQ(
      body["HostConfig"]["Links"],
      json::parse(
          R"(["p-db-1:database", "p-db-1:db-1", "p-db-1:p-db-1", "p-db-2:database", "p-db-2:db-1",
                            "p-db-2:p-db-1"])"));
  EXPECT_EQ(body["NetworkingConfig"]["EndpointsConfig"]["p_default"]["Links"],
            body["HostConfig"]["Links"]);
  // links make web depend on db, as depends_on does.
  ASSERT_EQ(project.services.at("web").depends_on.size(), 1u);
  EXPECT_EQ(project.services.at("web").depends_on[0].service, "db");
}

TEST(EngineFields, ReplicasShareAHashAndDifferInNameAndNumber) {
  auto project = load("services:\n  w: {image: img, deploy: {replicas: 3}}\n");
  const Service& service = project.services.at("w");
  SpecOptions options;
  options.number = 1;
  const auto first = container_spec(project, service, options);
  options.number = 3;
  const auto third = container_spec(project, service, options);
  EXPECT_EQ(first.name, "p-w-1");
  EXPECT_EQ(third.name, "p-w-3");
  EXPECT_EQ(third.body["Labels"][labels::kContainerNumber], "3");
  EXPECT_EQ(first.config_hash, third.config_hash);
}

TEST(EngineFields, ConfigsAndSecretsContentIsHashedNotSent) {
  const std::string yaml = R"(
services:
  s: {image: img, secrets: [token], configs: [{source: conf, target: /etc/app.conf, mode: 0440}]}
secrets:
  token: {environment: TOKEN}
configs:
  conf: {file: ./app.conf}
)";
  auto project = load(yaml, {{"/srv/app/app.conf", "a=1\n"}});
  auto changed = load(yaml, {{"/srv/app/app.conf", "a=2\n"}});
  const auto spec = container_spec(project, project.services.at("s"), SpecOptions{});
  EXPECT_EQ(spec.body.dump().find("a=1"), std::string::npos);
  EXPECT_EQ(spec.body.dump().find("s3cret"), std::string::npos);
  EXPECT_NE(spec.config_hash,
            container_spec(changed, changed.services.at("s"), SpecOptions{}).config_hash);
}

TEST(EngineFields, MacAddressMovesToTheEndpointFromApi144) {
  const json body = body_of("    mac_address: 02:42:ac:11:00:02\n", "", "1.44");
  EXPECT_FALSE(body.contains("MacAddress"));
  EXPECT_EQ(body["NetworkingConfig"]["EndpointsConfig"]["p_default"]["MacAddress"],
            "02:42:ac:11:00:02");
}

TEST(EngineFields, FieldsNewerThanTheEngineNameTheVersionThatHasThem) {
  auto error_of = [](const std::string& yaml, const std::string& api) {
    try {
      body_of(yaml, "", api);
    } catch (const ConfigError& error) {
      return std::string(error.what());
    }
    return std::string();
  };
  const std::string start_interval =
      "    healthcheck:\n      test: [CMD, probe]\n      start_interval: 2s\n";
  EXPECT_EQ(error_of(start_interval, "1.41"),
            "services.s.healthcheck.start_interval needs Docker Engine 25.0 or newer (API 1.44); "
            "this engine "
            "speaks API 1.41");
  EXPECT_EQ(body_of(start_interval, "", "1.44")["Healthcheck"]["StartInterval"], 2000000000);
  EXPECT_NE(
      error_of("    annotations: {a: b}\n", "1.41").find("Docker Engine 24.0 or newer (API 1.43)"),
      std::string::npos);
  EXPECT_EQ(body_of("    annotations: [com.example=1]\n", "", "1.43")["HostConfig"]["Annotations"],
            json::parse(R"({"com.example": "1"})"));
  EXPECT_NE(error_of("    volumes: [{type: volume, source: d, target: /d, volume: {subpath: x}}]\n"
                     "volumes: {d: {}}\n",
                     "1.41")
                .find("(API 1.45)"),
            std::string::npos);
  EXPECT_NE(error_of("    devices: [nvidia.com/gpu=all]\n", "1.41").find("(API 1.44)"),
            std::string::npos);
  EXPECT_EQ(body_of("    devices: [nvidia.com/gpu=all]\n", "",
                    "1.44")["HostConfig"]["DeviceRequests"][0]["DeviceIDs"],
            json::parse(R"(["nvidia.com/gpu=all"])"));
}

}  // namespace
}  // namespace ollama_stack::compose
