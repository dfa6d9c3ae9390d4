#include "ollama_stack/compose/merge.hpp"

#include "compose_test_support.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::options_for;

LoadResult load_two(const std::string& base, const std::string& override_yaml,
                    std::map<std::string, std::string> variables = {}) {
  return load_project(
      options_for({{"base.yml", base}, {"override.yml", override_yaml}}, std::move(variables)));
}

const Service& service_of(const LoadResult& result, const std::string& name = "a") {
  return result.project.services.at(name);
}

TEST(Merge, ScalarsLaterWinsAndOtherKeysSurvive) {
  auto r = load_two("services:\n  a:\n    image: one\n    user: root\n",
                    "services:\n  a:\n    image: two\n");
  EXPECT_EQ(service_of(r).image, "two");
  EXPECT_EQ(service_of(r).user, "root");
  EXPECT_EQ(service_of(r).defined_in, "override.yml");
}

TEST(Merge, NewServicesAreAdded) {
  auto r = load_two("services:\n  a:\n    image: one\n", "services:\n  b:\n    image: two\n");
  EXPECT_EQ(r.project.services.size(), 2u);
  EXPECT_EQ(service_of(r, "a").defined_in, "base.yml");
  EXPECT_EQ(service_of(r, "b").defined_in, "override.yml");
}

TEST(Merge, CommandEntrypointAndHealthcheckTestAreReplaced) {
  auto r = load_two(
      "services:\n  a:\n    image: x\n    command: [a, b]\n    entrypoint: [sh, -c]\n"
      "    healthcheck:\n      test: [CMD, one]\n      retries: 3\n",
      "services:\n  a:\n    command: [c]\n    entrypoint: \"run me\"\n    healthcheck:\n      "
      "test: [CMD, two]\n");
  EXPECT_THAT(*service_of(r).command, ElementsAre("c"));
  EXPECT_THAT(*service_of(r).entrypoint, ElementsAre("run", "me"));
  EXPECT_THAT(service_of(r).healthcheck->test, ElementsAre("CMD", "two"));
  EXPECT_EQ(service_of(r).healthcheck->retries, 3);
}

TEST(Merge, EnvironmentMergesByKeyAcrossListAndMapForms) {
  auto r = load_two("services:\n  a:\n    image: x\n    environment: [A=1, B=2]\n",
                    "services:\n  a:\n    environment:\n      B: three\n      C: 4\n");
  EXPECT_EQ(service_of(r).environment,
            (std::map<std::string, std::string>{{"A", "1"}, {"B", "three"}, {"C", "4"}}));
  auto r2 = load_two("services:\n  a:\n    image: x\n    environment: {A: 1}\n",
                     "services:\n  a:\n    environment: [A=2, D]\n", {{"D", "from-shell"}});
  EXPECT_EQ(service_of(r2).environment,
            (std::map<std::string, std::string>{{"A", "2"}, {"D", "from-shell"}}));
}

TEST(Merge, LabelsAndExtraHostsMergeByKey) {
  auto r = load_two(
      "services:\n  a:\n    image: x\n    labels: [x=1, y=2]\n    extra_hosts: [\"h1:10.0.0.1\", "
      "\"h2=10.0.0.2\"]\n",
      "services:\n  a:\n    labels: {y: 3}\n    extra_hosts: {h2: 10.0.0.9, h3: host-gateway}\n");
  EXPECT_EQ(service_of(r).labels, (std::map<std::string, std::string>{{"x", "1"}, {"y", "3"}}));
  EXPECT_THAT(service_of(r).extra_hosts,
              ElementsAre("h1:10.0.0.1", "h2:10.0.0.9", "h3:host-gateway"));
}

TEST(Merge, PortsAreUniqueByIpTargetPublishedProtocol) {
  auto r =
      load_two("services:\n  a:\n    image: x\n    ports: [\"8080:80\", \"127.0.0.1:9000:9000\"]\n",
               "services:\n  a:\n    ports: [\"8080:80\", \"8080:80/udp\", {target: 9000, "
               "published: 9000, host_ip: 127.0.0.1}]\n");
  EXPECT_THAT(service_of(r).ports, ElementsAre(PortMapping{.host_ip = "",
                                                           .published = 8080,
                                                           .ephemeral = false,
                                                           .target = 80,
                                                           .protocol = "tcp"},
                                               PortMapping{.host_ip = "127.0.0.1",
                                                           .published = 9000,
                                                           .ephemeral = false,
                                                           .target = 9000,
                                                           .protocol = "tcp"},
                                               PortMapping{.host_ip = "",
                                                           .published = 8080,
                                                           .ephemeral = false,
                                                           .target = 80,
                                                           .protocol = "udp"}));
}

TEST(Merge, VolumesAreUniqueByTargetLaterWins) {
  auto r = load_two(
      "services:\n  a:\n    image: x\n    volumes: [\"data:/d\", \"./c:/c\"]\nvolumes: {data: }\n",
      "services:\n  a:\n    volumes: [\"/srv/d:/d:ro\", \"/e\"]\n");
  EXPECT_THAT(service_of(r).volumes,
              ElementsAre(Mount{Mount::Type::bind, "/srv/d", "/d", true},
                          Mount{Mount::Type::bind, "/work/proj/c", "/c", false},
                          Mount{Mount::Type::volume, "", "/e", false}));
}

TEST(Merge, DependsOnAndNetworksMergeAsMaps) {
  auto r = load_two(
      "services:\n  a:\n    image: x\n    depends_on: [b]\n    networks: [front]\n  b:\n    image: "
      "y\n"
      "networks: {front: , back: }\n",
      "services:\n  a:\n    depends_on:\n      b: {condition: service_healthy}\n    networks:\n    "
      "  back:\n        aliases: [api]\n");
  EXPECT_THAT(service_of(r).depends_on,
              ElementsAre(Dependency{"b", DependencyCondition::service_healthy, true, false}));
  // Connected by priority, then by name, as Compose orders them.
  EXPECT_THAT(service_of(r).networks,
              ElementsAre(ServiceNetwork{"back", {"api"}}, ServiceNetwork{"front", {}}));
}

TEST(Merge, CapAddAndSecurityOptAreAppended) {
  auto r =
      load_two("services:\n  a:\n    image: x\n    cap_add: [NET_ADMIN]\n    security_opt: [a]\n",
               "services:\n  a:\n    cap_add: [SYS_PTRACE]\n    security_opt: [b]\n");
  EXPECT_THAT(service_of(r).cap_add, ElementsAre("NET_ADMIN", "SYS_PTRACE"));
  EXPECT_THAT(service_of(r).security_opt, ElementsAre("a", "b"));
}

TEST(Merge, GroupAddIsAppended) {
  auto r = load_two("services:\n  a:\n    image: x\n    group_add: [video]\n",
                    "services:\n  a:\n    group_add: [\"993\"]\n");
  EXPECT_THAT(service_of(r).group_add, ElementsAre("video", "993"));
}

TEST(Merge, NestedMapsMergeRecursively) {
  auto r = load_two(
      "services:\n  a:\n    image: x\n    deploy:\n      resources:\n        limits: {memory: 1g, "
      "cpus: 2}\n",
      "services:\n  a:\n    deploy:\n      resources:\n        limits: {cpus: 0.5}\n");
  EXPECT_EQ(service_of(r).memory_bytes, 1073741824);
  EXPECT_EQ(service_of(r).nano_cpus, 500000000);
}

TEST(Merge, BuildStringAndMapMerge) {
  auto r = load_two("services:\n  a:\n    build: ./app\n",
                    "services:\n  a:\n    build:\n      dockerfile: Dev.Dockerfile\n");
  ASSERT_TRUE(service_of(r).build.has_value());
  EXPECT_EQ(service_of(r).build->context, "/work/proj/app");
  EXPECT_EQ(service_of(r).build->dockerfile, "Dev.Dockerfile");
}

TEST(Merge, UntaggedNullKeepsTheEarlierValue) {
  auto r = load_two("services:\n  a:\n    image: x\n    command: [run]\n",
                    "services:\n  a:\n    command:\n");
  EXPECT_THAT(*service_of(r).command, ElementsAre("run"));
}

TEST(Merge, ResetRemovesAKey) {
  auto r = load_two(
      "services:\n  a:\n    image: x\n    command: [run]\n    ports: [\"80:80\"]\n    environment: "
      "{A: 1, B: 2}\n",
      "services:\n  a:\n    command: !reset null\n    ports: !reset []\n    environment:\n      A: "
      "!reset\n");
  EXPECT_FALSE(service_of(r).command.has_value());
  EXPECT_TRUE(service_of(r).ports.empty());
  EXPECT_EQ(service_of(r).environment, (std::map<std::string, std::string>{{"B", "2"}}));
}

TEST(Merge, ResetRemovesAWholeService) {
  auto r = load_two("services:\n  a:\n    image: x\n  b:\n    image: y\n",
                    "services:\n  b: !reset null\n");
  EXPECT_EQ(r.project.services.size(), 1u);
  EXPECT_TRUE(r.project.services.contains("a"));
}

TEST(Merge, ResetInTheFirstFileLeavesNothing) {
  auto r = load_project(options_for(
      {{"one.yml", "services:\n  a:\n    image: x\n    user: !reset bob\n  b: !reset null\n"}}));
  EXPECT_EQ(service_of(r).user, "");
  EXPECT_FALSE(r.project.services.contains("b"));
}

TEST(Merge, OverrideReplacesInsteadOfMerging) {
  auto r = load_two(
      "services:\n  a:\n    image: x\n    environment: {A: 1, B: 2}\n    ports: [\"80:80\"]\n",
      "services:\n  a:\n    environment: !override {C: 3}\n    ports: !override [\"81:81\"]\n");
  EXPECT_EQ(service_of(r).environment, (std::map<std::string, std::string>{{"C", "3"}}));
  EXPECT_THAT(
      service_of(r).ports,
      ElementsAre(PortMapping{
          .host_ip = "", .published = 81, .ephemeral = false, .target = 81, .protocol = "tcp"}));
}

TEST(Merge, OverrideOfAWholeService) {
  auto r = load_two("services:\n  a:\n    image: x\n    user: root\n",
                    "services:\n  a: !override\n    image: y\n");
  EXPECT_EQ(service_of(r).image, "y");
  EXPECT_EQ(service_of(r).user, "");
}

TEST(Merge, TopLevelVolumesAndNetworksMerge) {
  auto r = load_two(
      "services:\n  a:\n    image: x\nvolumes:\n  data:\nnetworks:\n  n: {driver: bridge}\n",
      "volumes:\n  data:\n    name: shared-data\nnetworks:\n  n: !reset\n");
  EXPECT_EQ(r.project.volumes.at("data").name, "shared-data");
  EXPECT_FALSE(r.project.networks.contains("n"));
}

TEST(Merge, MergeKeyFragmentsWorkAcrossAFile) {
  auto r = load_project(options_for({{"c.yml", R"(x-common: &common
  restart: always
  labels: {team: ai}
services:
  a:
    <<: *common
    image: x
  b:
    <<: *common
    image: y
    restart: "no"
)"}}));
  EXPECT_EQ(service_of(r, "a").restart, "always");
  EXPECT_EQ(service_of(r, "a").labels.at("team"), "ai");
  EXPECT_EQ(service_of(r, "b").restart, "no");
}

TEST(Merge, ErrorsAfterMergingPointAtTheFileThatWroteTheValue) {
  try {
    load_two("services:\n  a:\n    image: x\n", "services:\n  a:\n    depends_on: [ghost]\n");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "override.yml:3: services.a.depends_on.ghost: service \"ghost\" is not defined");
  }
}

TEST(Merge, EachFileIsValidatedBeforeMerging) {
  // The bad value is replaced by the second file, but the first file is still wrong.
  try {
    load_two("services:\n  a:\n    image: x\n    tty: sometimes\n",
             "services:\n  a:\n    tty: true\n");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "base.yml:4: services.a.tty: \"sometimes\" is not a boolean (true or false)");
  }
}

TEST(Merge, NormalizeTurnsListsIntoMappings) {
  Node doc = parse_yaml(
      "services:\n  a:\n    environment: [A=1, B]\n    depends_on: [b]\n    build: .\n", "f.yml");
  normalize_document(doc);
  const Node* a = doc.find("services")->find("a");
  ASSERT_TRUE(a->find("environment")->is_mapping());
  EXPECT_EQ(a->find("environment")->find("A")->value, "1");
  EXPECT_TRUE(a->find("environment")->find("B")->is_null());
  EXPECT_TRUE(a->find("depends_on")->find("b")->is_null());
  EXPECT_EQ(a->find("build")->find("context")->value, ".");
}

}  // namespace
}  // namespace ollama_stack::compose
