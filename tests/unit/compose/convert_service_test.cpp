// Each supported service key → model values, and the errors of each.
#include "compose_test_support.hpp"

namespace ollama_stack::compose {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::load_error;
using testing::load_text;

Service service_from(const std::string& body, std::map<std::string, std::string> variables = {}) {
  return load_text("services:\n  a:\n" + body, std::move(variables)).project.services.at("a");
}

std::string service_error(const std::string& body) {
  return load_error("services:\n  a:\n" + body);
}

TEST(ComposeService, ImageAndContainerName) {
  Service s = service_from("    image: nginx:1.25\n    container_name: my-web\n");
  EXPECT_EQ(s.image, "nginx:1.25");
  EXPECT_EQ(s.container_name, "my-web");
  EXPECT_THAT(
      service_error("    image: x\n    container_name: \"bad name\"\n"),
      HasSubstr(
          "compose.yml:4: services.a.container_name: \"bad name\" is not a valid container name"));
}

TEST(ComposeService, EmptyImageIsAnError) {
  EXPECT_EQ(service_error("    image: ${NOPE:-}\n"),
            "compose.yml:3: services.a.image: the image name is empty");
}

TEST(ComposeService, ImageOrBuildIsRequired) {
  EXPECT_EQ(service_error("    user: root\n"),
            "compose.yml:3: services.a: has neither \"image\" nor \"build\"");
}

TEST(ComposeService, BuildStringAndMapping) {
  Service s = service_from("    build: ./app\n");
  ASSERT_TRUE(s.build.has_value());
  EXPECT_EQ(s.build->context, "/work/proj/app");
  EXPECT_EQ(s.image, "proj-a");  // build without image
  Service m = service_from(
      "    image: mine\n    build:\n      context: /src\n      dockerfile: Containerfile\n"
      "      args: [A=1, FROM_SHELL]\n      target: prod\n",
      {{"FROM_SHELL", "yes"}});
  EXPECT_EQ(m.image, "mine");
  EXPECT_EQ(m.build,
            (Build{"/src", "Containerfile", "", {{"A", "1"}, {"FROM_SHELL", "yes"}}, "prod"}));
  Service d = service_from("    build: {args: {X: 2}}\n");
  EXPECT_EQ(d.build->context, "/work/proj");
  EXPECT_THAT(service_error("    build: {context: ., secret: [a]}\n"),
              HasSubstr("compose.yml:3: services.a.build.secret: this key is not supported"));
}

TEST(ComposeService, CommandAndEntrypoint) {
  Service s = service_from(
      "    image: x\n    command: serve --port \"80 80\" 'a b'\n    entrypoint: [/bin/tini, --]\n");
  EXPECT_THAT(*s.command, ElementsAre("serve", "--port", "80 80", "a b"));
  EXPECT_THAT(*s.entrypoint, ElementsAre("/bin/tini", "--"));
  Service cleared = service_from("    image: x\n    command: []\n    entrypoint:\n");
  ASSERT_TRUE(cleared.command.has_value());
  EXPECT_TRUE(cleared.command->empty());
  EXPECT_FALSE(cleared.entrypoint.has_value());
  EXPECT_FALSE(service_from("    image: x\n").command.has_value());
  EXPECT_THAT(service_error("    image: x\n    command: \"echo 'oops\"\n"),
              HasSubstr("has an unclosed quote"));
  EXPECT_THAT(service_error("    image: x\n    command: {a: b}\n"),
              HasSubstr("services.a.command: must be a string, not a mapping"));
}

TEST(ComposeService, EnvironmentListAndMap) {
  Service list = service_from(
      "    image: x\n    environment:\n      - A=1\n      - B=x=y\n      - C\n      - MISSING\n    "
      "  - E=\n",
      {{"C", "shell"}});
  EXPECT_EQ(list.environment, (std::map<std::string, std::string>{
                                  {"A", "1"}, {"B", "x=y"}, {"C", "shell"}, {"E", ""}}));
  Service map = service_from(
      "    image: x\n    environment:\n      A: 1\n      B: true\n      C:\n      D: null\n",
      {{"D", "dee"}});
  EXPECT_EQ(map.environment,
            (std::map<std::string, std::string>{{"A", "1"}, {"B", "true"}, {"D", "dee"}}));
  EXPECT_THAT(service_error("    image: x\n    environment: {A: [1]}\n"),
              HasSubstr("compose.yml:4: services.a.environment.A: must be a string, number or "
                        "boolean, not a list"));
  EXPECT_THAT(service_error("    image: x\n    environment: [\"=1\"]\n"),
              HasSubstr("has no name before \"=\""));
}

TEST(ComposeService, EnvFileIsReadAndEnvironmentWins) {
  LoadOptions options = testing::options_for(
      {{"compose.yml",
        "services:\n  a:\n    image: x\n    env_file: [common.env, /etc/extra.env]\n"
        "    environment: {B: from-environment}\n"}});
  std::vector<std::string> asked;
  options.read_file = [&](const std::string& path) -> std::optional<std::string> {
    asked.push_back(path);
    if (path == "/work/proj/common.env") return "A=1\nB=from-file\n# comment\n";
    if (path == "/etc/extra.env") return "export C=\"${A}-3\"\n";
    return std::nullopt;
  };
  Service s = load_project(options).project.services.at("a");
  EXPECT_THAT(asked, ElementsAre("/work/proj/common.env", "/etc/extra.env"));
  EXPECT_EQ(s.environment, (std::map<std::string, std::string>{
                               {"A", "1"}, {"B", "from-environment"}, {"C", "-3"}}));
}

TEST(ComposeService, EnvFileErrors) {
  EXPECT_THAT(
      service_error("    image: x\n    env_file: missing.env\n"),
      HasSubstr("compose.yml:4: services.a.env_file[0]: cannot read /work/proj/missing.env"));
  LoadOptions options = testing::options_for(
      {{"compose.yml", "services:\n  a:\n    image: x\n    env_file: bad.env\n"}});
  options.read_file = [](const std::string&) -> std::optional<std::string> {
    return "OK=1\nNOT OK\n";
  };
  try {
    load_project(options);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/work/proj/bad.env:2: expected \"=\" after NOT"));
  }
}

TEST(ComposeService, Labels) {
  EXPECT_EQ(service_from("    image: x\n    labels: [a=1, b]\n").labels,
            (std::map<std::string, std::string>{{"a", "1"}, {"b", ""}}));
  EXPECT_EQ(service_from("    image: x\n    labels: {a.b: \"2\"}\n").labels,
            (std::map<std::string, std::string>{{"a.b", "2"}}));
}

TEST(ComposeService, Healthcheck) {
  Service s = service_from(
      "    image: x\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", "
      "\"http://localhost\"]\n"
      "      interval: 30s\n      timeout: 5s\n      start_period: 1m\n      retries: 5\n");
  EXPECT_EQ(s.healthcheck,
            (Healthcheck{{"CMD", "curl", "-f", "http://localhost"}, 30s, 5s, 1min, 0s, 5}));
  EXPECT_THAT(service_from("    image: x\n    healthcheck: {test: curl -f localhost || exit 1}\n")
                  .healthcheck->test,
              ElementsAre("CMD-SHELL", "curl -f localhost || exit 1"));
  EXPECT_THAT(service_from("    image: x\n    healthcheck: {test: [CMD], disable: true}\n")
                  .healthcheck->test,
              ElementsAre("NONE"));
  EXPECT_THAT(service_from("    image: x\n    healthcheck: {test: [NONE]}\n").healthcheck->test,
              ElementsAre("NONE"));
  EXPECT_THAT(service_error("    image: x\n    healthcheck: {test: [curl, x]}\n"),
              HasSubstr("services.a.healthcheck.test: a test list must start with \"CMD\", "
                        "\"CMD-SHELL\" or \"NONE\""));
  EXPECT_THAT(service_error("    image: x\n    healthcheck: {retries: -1}\n"),
              HasSubstr("-1 is out of range"));
  // start_interval is read here; whether the engine has it is checked when the body is built.
  EXPECT_EQ(service_from("    image: x\n    healthcheck: {start_interval: 1s}\n")
                .healthcheck->start_interval,
            1s);
  EXPECT_THAT(service_error("    image: x\n    healthcheck: {start_intervall: 1s}\n"),
              HasSubstr("services.a.healthcheck.start_intervall: this key is not supported"));
}

TEST(ComposeService, Restart) {
  for (const char* policy : {"", "no", "always", "on-failure", "on-failure:3", "unless-stopped"}) {
    EXPECT_EQ(service_from(std::string("    image: x\n    restart: \"") + policy + "\"\n").restart,
              policy);
  }
  EXPECT_THAT(
      service_error("    image: x\n    restart: sometimes\n"),
      HasSubstr("compose.yml:4: services.a.restart: \"sometimes\" is not a restart policy"));
  EXPECT_THAT(service_error("    image: x\n    restart: on-failure:x\n"),
              HasSubstr("is not a whole number"));
}

TEST(ComposeService, MemoryAndCpus) {
  Service s = service_from("    image: x\n    mem_limit: 512m\n    cpus: 0.5\n    shm_size: 64m\n");
  EXPECT_EQ(s.memory_bytes, 536870912);
  EXPECT_EQ(s.nano_cpus, 500000000);
  EXPECT_EQ(s.shm_size_bytes, 67108864);
  EXPECT_EQ(service_from("    image: x\n    mem_limit: 1073741824\n    cpus: 2\n").nano_cpus,
            2000000000);
  EXPECT_THAT(service_error("    image: x\n    cpus: many\n"),
              HasSubstr("services.a.cpus: \"many\" is not a number"));
}

TEST(ComposeService, DeployLimitsMustAgreeWithMemLimitAndCpus) {
  // compose-go (loader/validate.go) refuses distinct values; equal ones are fine.
  Service s = service_from(
      "    image: x\n    deploy:\n      resources:\n        limits: {memory: 2g, cpus: \"1.5\"}\n"
      "        reservations: {memory: 1g}\n    mem_limit: 2048m\n    cpus: 1.5\n");
  EXPECT_EQ(s.memory_bytes, 2147483648);
  EXPECT_EQ(s.nano_cpus, 1500000000);
  EXPECT_EQ(s.memory_reservation_bytes, 1073741824);
  EXPECT_THAT(service_error("    image: x\n    mem_limit: 512m\n    deploy:\n      resources:\n"
                            "        limits: {memory: 2g}\n"),
              HasSubstr("mem_limit and deploy.resources.limits.memory have distinct values"));
  EXPECT_THAT(service_error("    image: x\n    deploy: {replica: 2}\n"),
              HasSubstr("compose.yml:4: services.a.deploy.replica: this key is not supported"));
  EXPECT_EQ(service_from("    image: x\n    deploy: {resources: {limits: {pids: 5}}}\n").pids_limit,
            5);
}

TEST(ComposeService, DeviceReservations) {
  Service s = service_from(R"(    image: x
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: ${GPU_COUNT}
              capabilities: [gpu, utility]
            - driver: nvidia
              device_ids: ["0", "3"]
              capabilities: [gpu]
              options: {virtualization: "false"}
            - capabilities: [gpu]
)",
                           {{"GPU_COUNT", "2"}});
  EXPECT_THAT(
      s.device_requests,
      ElementsAre(DeviceRequest{"nvidia", 2, {}, {"gpu", "utility"}, {}},
                  DeviceRequest{"nvidia", 0, {"0", "3"}, {"gpu"}, {{"virtualization", "false"}}},
                  DeviceRequest{"", -1, {}, {"gpu"}, {}}));
  EXPECT_THAT(service_error("    image: x\n    deploy: {resources: {reservations: {devices: "
                            "[{count: 1, device_ids: [\"0\"]}]}}}\n"),
              HasSubstr("services.a.deploy.resources.reservations.devices[0].count: count and "
                        "device_ids cannot be used together"));
  EXPECT_THAT(
      service_error(
          "    image: x\n    deploy: {resources: {reservations: {devices: [{count: some}]}}}\n"),
      HasSubstr("devices[0].count: \"some\" is not a whole number"));
}

TEST(ComposeService, GpusAll) {
  EXPECT_THAT(service_from("    image: x\n    gpus: all\n").device_requests,
              ElementsAre(DeviceRequest{"nvidia", -1, {}, {"gpu"}, {}}));
  EXPECT_THAT(service_error("    image: x\n    gpus: \"2\"\n"),
              HasSubstr("services.a.gpus: \"2\" is not \"all\" or a list of devices"));
}

TEST(ComposeService, DependsOn) {
  std::string others = "  b:\n    image: y\n  c:\n    image: z\n";
  auto list = load_text("services:\n  a:\n    image: x\n    depends_on: [b, c]\n" + others).project;
  EXPECT_THAT(list.services.at("a").depends_on, ElementsAre(Dependency{"b"}, Dependency{"c"}));
  auto map = load_text(
                 "services:\n  a:\n    image: x\n    depends_on:\n      b: {condition: "
                 "service_healthy, restart: true}\n"
                 "      c: {condition: service_completed_successfully, required: false}\n" +
                 others)
                 .project;
  EXPECT_THAT(map.services.at("a").depends_on,
              ElementsAre(Dependency{"b", DependencyCondition::service_healthy, true, true},
                          Dependency{"c", DependencyCondition::service_completed_successfully,
                                     false, false}));
  EXPECT_THAT(
      load_error("services:\n  a:\n    image: x\n    depends_on: {b: {condition: ready}}\n" +
                 others),
      HasSubstr("compose.yml:4: services.a.depends_on.b.condition: \"ready\" is not a condition"));
  EXPECT_EQ(load_error("services:\n  a:\n    image: x\n    depends_on:\n      - b\n      - nope\n" +
                       others),
            "compose.yml:6: services.a.depends_on.nope: service \"nope\" is not defined");
  EXPECT_THAT(load_error("services:\n  a:\n    image: x\n    depends_on: [a]\n"),
              HasSubstr("cannot depend on itself"));
}

TEST(ComposeService, DependencyCycleIsAnError) {
  EXPECT_THAT(load_error("services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n "
                         "   depends_on: [a]\n"),
              HasSubstr("services depend on each other in a cycle: a -> b -> a"));
}

TEST(ComposeService, ExtraHosts) {
  EXPECT_THAT(service_from("    image: x\n    extra_hosts: [\"a:1.2.3.4\", \"b=::1\", \"c:::1\"]\n")
                  .extra_hosts,
              ElementsAre("a:1.2.3.4", "b:::1", "c:::1"));
  EXPECT_THAT(service_from("    image: x\n    extra_hosts: {gw: host-gateway}\n").extra_hosts,
              ElementsAre("gw:host-gateway"));
  EXPECT_THAT(service_error("    image: x\n    extra_hosts: [justahost]\n"),
              HasSubstr("services.a.extra_hosts[0]: \"justahost:\" is not host:ip"));
}

TEST(ComposeService, SimpleStringsAndBooleans) {
  Service s = service_from(
      "    image: x\n    working_dir: /app\n    user: \"1000:1000\"\n    tty: true\n    "
      "stdin_open: True\n");
  EXPECT_EQ(s.working_dir, "/app");
  EXPECT_EQ(s.user, "1000:1000");
  EXPECT_TRUE(s.tty);
  EXPECT_TRUE(s.stdin_open);
  EXPECT_FALSE(service_from("    image: x\n    tty: false\n").tty);
  EXPECT_EQ(service_error("    image: x\n    tty: yes\n"),
            "compose.yml:4: services.a.tty: \"yes\" is not a boolean (true or false)");
  EXPECT_THAT(service_error("    image: x\n    tty: [true]\n"),
              HasSubstr("services.a.tty: must be true or false, not a list"));
  EXPECT_THAT(service_error("    image: x\n    working_dir: app\n"),
              HasSubstr("must be an absolute path"));
  EXPECT_THAT(service_error("    image: [x]\n"),
              HasSubstr("compose.yml:3: services.a.image: must be a string, not a list"));
}

TEST(ComposeService, Devices) {
  EXPECT_THAT(
      service_from("    image: x\n    devices: [/dev/dri, \"/dev/kfd:/dev/kfd2\", "
                   "\"/dev/a:/dev/b:r\", \"/dev/c:rw\"]\n")
          .devices,
      ElementsAre(DeviceMapping{"/dev/dri", "/dev/dri", "rwm"},
                  DeviceMapping{"/dev/kfd", "/dev/kfd2", "rwm"},
                  DeviceMapping{"/dev/a", "/dev/b", "r"}, DeviceMapping{"/dev/c", "/dev/c", "rw"}));
  EXPECT_THAT(service_error("    image: x\n    devices: [\"/dev/a:/dev/b:rwx\"]\n"),
              HasSubstr("services.a.devices[0]: \"/dev/a:/dev/b:rwx\" is not a device mapping"));
  EXPECT_THAT(service_error("    image: x\n    devices: [dri]\n"),
              HasSubstr("is not a device mapping"));
}

TEST(ComposeService, Ulimits) {
  EXPECT_THAT(service_from("    image: x\n    ulimits:\n      nproc: 65535\n      nofile: {soft: "
                           "1024, hard: 4096}\n")
                  .ulimits,
              ElementsAre(Ulimit{"nproc", 65535, 65535}, Ulimit{"nofile", 1024, 4096}));
  EXPECT_THAT(service_error("    image: x\n    ulimits: {nofile: {soft: 10}}\n"),
              HasSubstr("needs both soft and hard"));
  EXPECT_THAT(service_error("    image: x\n    ulimits: {nofile: {soft: 10, hard: 5}}\n"),
              HasSubstr("soft limit is above the hard limit"));
  EXPECT_THAT(service_error("    image: x\n    ulimits: [nofile]\n"),
              HasSubstr("services.a.ulimits: must be a mapping, not a list"));
}

TEST(ComposeService, CapAddSecurityOptProfiles) {
  Service s = service_from(
      "    image: x\n    cap_add: [SYS_NICE]\n    security_opt: [\"seccomp:unconfined\"]\n    "
      "profiles: [gpu, debug]\n",
      {{"COMPOSE_PROFILES", "gpu"}});
  EXPECT_THAT(s.cap_add, ElementsAre("SYS_NICE"));
  EXPECT_THAT(s.security_opt, ElementsAre("seccomp:unconfined"));
  EXPECT_THAT(s.profiles, ElementsAre("gpu", "debug"));
  EXPECT_THAT(service_error("    image: x\n    cap_add: SYS_NICE\n"),
              HasSubstr("services.a.cap_add: must be a list, not a single value"));
  EXPECT_THAT(service_error("    image: x\n    profiles: [\"bad profile\"]\n"),
              HasSubstr("is not a valid profile name"));
}

TEST(ComposeService, GroupAdd) {
  // Names resolve in the image's /etc/group at start; ids (a host group's) are kept as they are.
  EXPECT_THAT(service_from("    image: x\n    group_add: [video, 993]\n").group_add,
              ElementsAre("video", "993"));
  EXPECT_THAT(service_error("    image: x\n    group_add: video\n"),
              HasSubstr("services.a.group_add: must be a list, not a single value"));
}

TEST(ComposeService, StopGracePeriod) {
  EXPECT_EQ(service_from("    image: x\n    stop_grace_period: 1m\n").stop_grace_period,
            std::chrono::seconds(60));
  EXPECT_FALSE(service_from("    image: x\n").stop_grace_period.has_value());
}

TEST(ComposeService, ExtensionFieldsAreKeptAsWritten) {
  Service s = service_from(
      "    image: x\n    x-ollama-stack:\n      component: core\n      order: [1, 2]\n    "
      "x-empty:\n");
  EXPECT_EQ(s.extensions,
            (nlohmann::json{{"x-ollama-stack", {{"component", "core"}, {"order", {"1", "2"}}}},
                            {"x-empty", nullptr}}));
}

TEST(ComposeService, UnknownKeyIsRejectedWithFileLine) {
  try {
    load_text("services:\n  a:\n    image: x\n\n    privilege: true\n");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "compose.yml:5: services.a.privilege: this key is not supported by ollama-stack");
    EXPECT_THAT(e.hint(), HasSubstr("check its spelling against the compose specification"));
  }
}

TEST(ComposeService, ServiceMustBeAMapping) {
  EXPECT_THAT(load_error("services:\n  a: nginx\n"),
              HasSubstr("compose.yml:2: services.a: must be a mapping, not a single value"));
  EXPECT_THAT(load_error("services:\n  a:\n"),
              HasSubstr("compose.yml:2: services.a: a service must be a mapping"));
}

TEST(ComposeService, ContainerNameDefault) {
  auto project = load_text(
                     "name: demo\nservices:\n  a:\n    image: x\n  b:\n    image: y\n    "
                     "container_name: fixed\n")
                     .project;
  EXPECT_EQ(container_name(project, project.services.at("a")), "demo-a-1");
  EXPECT_EQ(container_name(project, project.services.at("b")), "fixed");
}

}  // namespace
}  // namespace ollama_stack::compose
