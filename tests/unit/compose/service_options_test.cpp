// The newer service keys → the model: values, errors with file:line, and the warnings for keys a
// single engine has no use for.
#include "ollama_stack/compose/service_options.hpp"

#include "compose_test_support.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::load_error;
using testing::load_text;

Service service_from(const std::string& body, std::map<std::string, std::string> variables = {}) {
  return load_text("services:\n  a:\n    image: x\n" + body, std::move(variables))
      .project.services.at("a");
}

std::string service_error(const std::string& body) {
  return load_error("services:\n  a:\n    image: x\n" + body);
}

std::vector<std::string> warnings_of(const std::string& yaml) { return load_text(yaml).warnings; }

TEST(ComposeServiceOptions, NamespacesAndProcess) {
  Service s = service_from(
      "    init: true\n    privileged: true\n    read_only: true\n    ipc: shareable\n    pid: "
      "host\n"
      "    uts: host\n    cgroup: host\n    userns_mode: host\n    runtime: runc\n    hostname: h\n"
      "    domainname: d.example\n    stop_signal: SIGINT\n    platform: linux/amd64\n");
  EXPECT_EQ(s.init, true);
  EXPECT_TRUE(s.privileged);
  EXPECT_TRUE(s.read_only);
  EXPECT_EQ(s.ipc, "shareable");
  EXPECT_EQ(s.pid, "host");
  EXPECT_EQ(s.uts, "host");
  EXPECT_EQ(s.cgroup, "host");
  EXPECT_EQ(s.platform, "linux/amd64");
  EXPECT_FALSE(service_from("").init.has_value());
  EXPECT_EQ(service_error("    cgroup: shared\n"),
            "compose.yml:4: services.a.cgroup: \"shared\" is not host or private");
  EXPECT_EQ(service_error("    ipc: \"service:\"\n"),
            "compose.yml:4: services.a.ipc: \"service:\" names no service or container");
}

TEST(ComposeServiceOptions, ListsAndMaps) {
  Service s = service_from(
      "    group_add: [video, 4242]\n    dns: 1.1.1.1\n    dns_search: [a.example]\n    dns_opt: "
      "[use-vc]\n"
      "    sysctls: [net.core.somaxconn=1024]\n    tmpfs: [/run, \"/cache:size=1m\"]\n"
      "    expose: [\"80\", \"9000-9001/udp\"]\n    volumes_from: [\"container:x:ro\"]\n"
      "    external_links: [redis]\n    storage_opt: {size: 1G}\n");
  EXPECT_THAT(s.group_add, ElementsAre("video", "4242"));
  EXPECT_THAT(s.dns, ElementsAre("1.1.1.1"));
  EXPECT_THAT(s.tmpfs, ElementsAre("/run", "/cache:size=1m"));
  EXPECT_THAT(s.expose, ElementsAre("80/tcp", "9000/udp", "9001/udp"));
  EXPECT_EQ(s.sysctls.at("net.core.somaxconn"), "1024");
  EXPECT_EQ(s.storage_opt.at("size"), "1G");
  EXPECT_EQ(service_error("    tmpfs: [run]\n"),
            "compose.yml:4: services.a.tmpfs[0]: \"run\": the container path must be absolute");
  EXPECT_THAT(service_error("    expose: [\"80-70\"]\n"), HasSubstr("the range runs backwards"));
  EXPECT_THAT(service_error("    expose: [http]\n"),
              HasSubstr("\"http\" is not a port or a port range"));
  EXPECT_THAT(service_error("    volumes_from: [\"db:rx\"]\n"),
              HasSubstr("\"db:rx\" is not a volumes_from entry"));
}

TEST(ComposeServiceOptions, Resources) {
  Service s = service_from(
      "    cpu_shares: 512\n    cpu_rt_runtime: 400ms\n    cpu_rt_period: 1400us\n    cpuset: 0-1\n"
      "    mem_reservation: 64m\n    memswap_limit: -1\n    mem_swappiness: 10\n    "
      "oom_kill_disable: true\n"
      "    oom_score_adj: -100\n    pids_limit: -1\n"
      "    blkio_config:\n      weight: 300\n      device_read_bps: [{path: /dev/sda, rate: "
      "1mb}]\n");
  EXPECT_EQ(s.cpu_shares, 512);
  EXPECT_EQ(s.cpu_rt_runtime, 400000);
  EXPECT_EQ(s.cpu_rt_period, 1400);
  EXPECT_EQ(s.memory_reservation_bytes, 64 * 1024 * 1024);
  EXPECT_EQ(s.memswap_limit, -1);
  EXPECT_EQ(s.mem_swappiness, 10);
  EXPECT_EQ(s.oom_score_adj, -100);
  EXPECT_EQ(s.pids_limit, -1);
  EXPECT_EQ(s.blkio.weight, 300);
  EXPECT_EQ(s.blkio.device_read_bps, (std::vector<BlkioDevice>{{"/dev/sda", 1048576}}));
  EXPECT_THAT(service_error("    oom_score_adj: 2000\n"),
              HasSubstr("2000 is out of range (-1000-1000)"));
  EXPECT_THAT(service_error("    blkio_config: {weight: 5}\n"),
              HasSubstr("5 is out of range (10-1000)"));
  EXPECT_THAT(service_error("    mem_swappiness: 101\n"), HasSubstr("out of range (0-100)"));
}

TEST(ComposeServiceOptions, KeysAndTheirDeployCounterpartsMustAgree) {
  Service s =
      service_from("    mem_limit: 1g\n    deploy: {resources: {limits: {memory: 1024m}}}\n");
  EXPECT_EQ(s.memory_bytes, 1024LL * 1024 * 1024);
  EXPECT_EQ(
      service_error("    cpus: 1\n    deploy: {resources: {limits: {cpus: '2'}}}\n"),
      "compose.yml:3: services.a: cpus and deploy.resources.limits.cpus have distinct values");
  EXPECT_THAT(service_error("    scale: 2\n    deploy: {replicas: 3}\n"),
              HasSubstr("scale and deploy.replicas have distinct values"));
  EXPECT_EQ(service_from("    scale: 3\n").replicas, 3);
  EXPECT_EQ(service_from("    deploy: {replicas: 0}\n").replicas, 0);
}

TEST(ComposeServiceOptions, ConfigsAndSecretsGrants) {
  auto project = load_text(R"(
services:
  a:
    image: x
    configs: [conf, {source: conf, target: /etc/app.json, uid: "1000", gid: "1000", mode: 0440}]
    secrets: [token, {source: token, target: db_password, mode: 0o400}]
configs:
  conf: {content: "k=v"}
secrets:
  token: {environment: TOKEN}
)",
                           {{"TOKEN", "t0ken"}})
                     .project;
  const Service& s = project.services.at("a");
  EXPECT_EQ(s.configs, (std::vector<FileGrant>{{"conf", "/conf", "", "", 0444},
                                               {"conf", "/etc/app.json", "1000", "1000", 0440}}));
  EXPECT_EQ(s.secrets,
            (std::vector<FileGrant>{{"token", "/run/secrets/token", "", "", 0444},
                                    {"token", "/run/secrets/db_password", "", "", 0400}}));
  EXPECT_EQ(project.configs.at("conf").content, "k=v");
  EXPECT_EQ(project.secrets.at("token").content, "t0ken");
  EXPECT_EQ(project.secrets.at("token").origin, "environment TOKEN");
}

TEST(ComposeServiceOptions, ConfigAndSecretErrors) {
  EXPECT_EQ(load_error("services:\n  a: {image: x, secrets: [nope]}\n"),
            "compose.yml:2: services.a.secrets[0]: secret \"nope\" is not declared");
  // An unreadable source is an error only for a service granted it (Docker Compose fails on use).
  EXPECT_EQ(load_error("services:\n  a: {image: x}\nsecrets:\n  t: {environment: MISSING}\n"), "");
  EXPECT_EQ(
      load_error(
          "services:\n  a: {image: x, secrets: [t]}\nsecrets:\n  t: {environment: MISSING}\n"),
      "compose.yml:2: services.a.secrets[0]: secret \"t\": the variable MISSING is not set");
  EXPECT_EQ(
      load_error("services:\n  a: {image: x, configs: [t]}\nconfigs:\n  t: {file: ./t.txt}\n"),
      "compose.yml:2: services.a.configs[0]: config \"t\": cannot read /work/proj/t.txt");
  EXPECT_THAT(load_error("services:\n  a: {image: x}\nsecrets:\n  t: {external: true}\n"),
              HasSubstr("secrets.t.external: an external secret needs Docker Swarm"));
  EXPECT_THAT(
      load_error("services:\n  a: {image: x}\nconfigs:\n  c: {file: a, content: b}\n"),
      HasSubstr("a config takes one of file, environment or content, not both file and content"));
  EXPECT_THAT(load_error("services:\n  a: {image: x}\nsecrets:\n  t: {content: b}\n"),
              HasSubstr("secrets.t.content: this key is not supported"));
  // The engine refuses to write into a read-only root filesystem, except into a writable volume.
  EXPECT_THAT(load_error("services:\n  a: {image: x, read_only: true, secrets: [t]}\nsecrets:\n  "
                         "t: {environment: HOME}\n",
                         {{"HOME", "/h"}}),
              HasSubstr("/run/secrets/t cannot be written into a read-only container"));
  EXPECT_EQ(load_error("services:\n  a: {image: x, read_only: true, secrets: [t], volumes: "
                       "[\"s:/run/secrets\"]}\n"
                       "secrets:\n  t: {environment: HOME}\nvolumes:\n  s:\n",
                       {{"HOME", "/h"}}),
            "");
}

TEST(ComposeServiceOptions, NetworkModeExcludesNetworks) {
  EXPECT_THAT(service_error("    network_mode: host\n    networks: [default]\n"),
              HasSubstr("network_mode and networks cannot be used together"));
  Service s = service_from("    network_mode: host\n");
  EXPECT_TRUE(s.networks.empty());
}

TEST(ComposeServiceOptions, ReferencesToOtherServicesAddDependencies) {
  auto project = load_text(R"(
services:
  main: {image: x}
  side: {image: x, ipc: "service:main", network_mode: "service:main", volumes_from: [main], links: ["main:m"]}
)")
                     .project;
  const auto& deps = project.services.at("side").depends_on;
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_EQ(deps[0].service, "main");
  EXPECT_TRUE(deps[0].restart);
  EXPECT_EQ(load_error("services:\n  a: {image: x, pid: \"service:nope\"}\n"),
            "compose.yml:2: services.a.pid: service \"nope\" is not defined");
  EXPECT_THAT(
      load_error(
          "services:\n  a: {image: x, volumes_from: [b]}\n  b: {image: x, volumes_from: [a]}\n"),
      HasSubstr("services depend on each other in a cycle"));
}

TEST(ComposeServiceOptions, ReplicasAndContainerNameExcludeEachOther) {
  EXPECT_THAT(
      load_error("services:\n  a: {image: x, container_name: one, deploy: {replicas: 2}}\n"),
      HasSubstr("container_name \"one\" cannot be used with 2 replicas"));
}

TEST(ComposeServiceOptions, PullPolicies) {
  EXPECT_EQ(service_from("    pull_policy: if_not_present\n").pull_policy, "missing");
  Service daily = service_from("    pull_policy: daily\n");
  EXPECT_EQ(daily.pull_policy, "refresh");
  EXPECT_EQ(daily.pull_refresh, std::chrono::seconds(86400));
  EXPECT_EQ(service_from("    pull_policy: every_1w2d\n").pull_refresh,
            std::chrono::seconds(9 * 86400));
  EXPECT_EQ(service_from("    pull_policy: every_12h30m\n").pull_refresh,
            std::chrono::seconds(45000));
  EXPECT_THAT(service_error("    pull_policy: sometimes\n"),
              HasSubstr("\"sometimes\" is not a pull policy"));
}

TEST(ComposeServiceOptions, EnvFileLongSyntaxAndLabelFile) {
  auto options = testing::options_for({{"compose.yml", R"(
services:
  a:
    image: x
    env_file: [{path: ./base.env}, {path: ./missing.env, required: false}, {path: ./raw.env, format: raw}]
    label_file: ./app.labels
    labels: {tier: front}
)"}});
  options.read_file = [](const std::string& path) -> std::optional<std::string> {
    if (path == "/work/proj/base.env") return "A=1\nB=\"quoted $A\"\n";
    if (path == "/work/proj/raw.env") return "C=\"kept $as is\"\n";
    if (path == "/work/proj/app.labels") return "tier=back\nteam=ml\n";
    return std::nullopt;
  };
  Service s = load_project(options).project.services.at("a");
  EXPECT_EQ(s.environment.at("A"), "1");
  EXPECT_EQ(s.environment.at("B"), "quoted 1");
  EXPECT_EQ(s.environment.at("C"), "\"kept $as is\"");
  EXPECT_EQ(s.labels.at("tier"), "front");
  EXPECT_EQ(s.labels.at("team"), "ml");
}

TEST(ComposeServiceOptions, KeysWithoutMeaningHereAreWarnedWithTheirLine) {
  auto warnings = warnings_of(R"(services:
  a:
    image: x
    develop:
      watch: [{path: ., action: rebuild}]
    attach: false
    post_start: [{command: echo hi}]
    deploy:
      placement: {constraints: [node.role==manager]}
      resources:
        reservations: {cpus: '0.5'}
models:
  llm: {model: ai/smollm2}
)");
  EXPECT_THAT(warnings,
              ::testing::Contains(HasSubstr("compose.yml:4: services.a.develop: ignored")));
  EXPECT_THAT(warnings,
              ::testing::Contains(HasSubstr("compose.yml:6: services.a.attach: ignored")));
  EXPECT_THAT(warnings,
              ::testing::Contains(HasSubstr("compose.yml:7: services.a.post_start: ignored")));
  EXPECT_THAT(
      warnings,
      ::testing::Contains(HasSubstr(
          "compose.yml:9: services.a.deploy.placement: ignored: it configures Docker Swarm")));
  EXPECT_THAT(warnings,
              ::testing::Contains(HasSubstr(
                  "compose.yml:11: services.a.deploy.resources.reservations.cpus: ignored")));
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("compose.yml:12: models: ignored")));
  EXPECT_EQ(warnings.size(), 6u);
  EXPECT_THAT(service_error("    provider: {type: awesomecloud}\n"),
              HasSubstr("provider services need a Docker Compose provider plugin"));
  EXPECT_THAT(service_error("    restart_always: true\n"),
              HasSubstr("services.a.restart_always: this key is not supported"));
}

TEST(ComposeServiceOptions, BuildKeys) {
  auto result = load_text(R"(services:
  a:
    build:
      context: ./app
      dockerfile_inline: |
        FROM scratch
      network: host
      labels: [com.example=1]
      tags: [mine:extra]
      no_cache: true
      secrets: [npm]
)");
  const Build& build = *result.project.services.at("a").build;
  EXPECT_EQ(build.context, "/work/proj/app");
  EXPECT_EQ(build.dockerfile_inline, "FROM scratch\n");
  EXPECT_EQ(build.network, "host");
  EXPECT_EQ(build.labels.at("com.example"), "1");
  EXPECT_THAT(build.tags, ElementsAre("mine:extra"));
  EXPECT_TRUE(build.no_cache);
  EXPECT_THAT(result.warnings,
              ElementsAre(HasSubstr(
                  "compose.yml:11: services.a.build.secrets: ignored: it needs BuildKit")));
  EXPECT_EQ(load_text("services:\n  a: {build: \"https://github.com/x/y.git#main\"}\n")
                .project.services.at("a")
                .build->context,
            "https://github.com/x/y.git#main");
  EXPECT_THAT(
      load_error("services:\n  a:\n    build: {dockerfile: D, dockerfile_inline: \"FROM x\"}\n"),
      HasSubstr("dockerfile and dockerfile_inline cannot be used together"));
}

}  // namespace
}  // namespace ollama_stack::compose
