// include and extends across files (read through LoadOptions::read_file), and the merge rules of
// the newer keys.
#include "ollama_stack/compose/expand.hpp"

#include "compose_test_support.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

LoadOptions with_files(std::map<std::string, std::string> files,
                       std::vector<std::string> sources = {"/p/compose.yml"},
                       std::map<std::string, std::string> variables = {}) {
  LoadOptions options;
  for (const auto& source : sources) options.sources.push_back({source, files.at(source)});
  options.lookup = testing::lookup_from(std::move(variables));
  options.working_dir = "/p";
  options.project_name = "p";
  options.read_file = [files](const std::string& path) -> std::optional<std::string> {
    auto found = files.find(path);
    return found == files.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
  return options;
}

std::string error_of(const LoadOptions& options) {
  try {
    load_project(options);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(ComposeInclude, BringsAnotherApplicationWithItsOwnDirectoryAndDefaults) {
  auto options = with_files({
      {"/p/compose.yml",
       "include:\n  - ../shared/db.yml\nservices:\n  web:\n    image: web\n    depends_on: [db]\n"},
      {"/shared/db.yml",
       "services:\n  db:\n    image: postgres:${PG_VERSION}\n    env_file: ./db.env\n    volumes: "
       "[./init:/docker-entrypoint-initdb.d]\n"
       "    secrets: [pw]\nsecrets:\n  pw: {file: ./pw.txt}\nvolumes:\n  dbdata:\n"},
      {"/shared/.env", "PG_VERSION=16\n"},
      {"/shared/db.env", "POSTGRES_DB=app\n"},
      {"/shared/pw.txt", "hunter2"},
  });
  auto project = load_project(options).project;
  const Service& db = project.services.at("db");
  EXPECT_EQ(db.image, "postgres:16");
  EXPECT_EQ(db.environment.at("POSTGRES_DB"), "app");
  ASSERT_EQ(db.volumes.size(), 1u);
  EXPECT_EQ(db.volumes[0].source, "/shared/init");
  EXPECT_EQ(project.secrets.at("pw").content, "hunter2");
  EXPECT_TRUE(project.volumes.contains("dbdata"));
  EXPECT_EQ(project.services.at("web").depends_on[0].service, "db");
}

TEST(ComposeInclude, TheIncludingProjectsVariablesWinAndLocalDefinitionsMergeOver) {
  auto options = with_files(
      {
          {"/p/compose.yml",
           "include:\n  - path: [lib/a.yml, lib/a.override.yml]\n    env_file: lib/custom.env\n"
           "services:\n  a:\n    environment: {LOCAL: \"1\"}\n"},
          {"/p/lib/a.yml",
           "services:\n  a:\n    image: a:${TAG}\n    environment: {FROM: include}\n"},
          {"/p/lib/a.override.yml", "services:\n  a:\n    labels: [over=1]\n"},
          {"/p/lib/custom.env", "TAG=from-env-file\n"},
      },
      {"/p/compose.yml"}, {{"TAG", "from-shell"}});
  auto project = load_project(options).project;
  const Service& a = project.services.at("a");
  EXPECT_EQ(a.image, "a:from-shell");
  EXPECT_EQ(a.environment.at("FROM"), "include");
  EXPECT_EQ(a.environment.at("LOCAL"), "1");
  EXPECT_EQ(a.labels.at("over"), "1");
}

TEST(ComposeInclude, CyclesAndMissingFilesAreErrors) {
  EXPECT_THAT(
      error_of(with_files({{"/p/compose.yml", "include: [a.yml]\nservices: {}\n"},
                           {"/p/a.yml", "include: [compose.yml]\nservices: {}\n"}})),
      HasSubstr(
          "files include each other in a cycle: /p/compose.yml -> /p/a.yml -> /p/compose.yml"));
  EXPECT_EQ(error_of(with_files({{"/p/compose.yml", "include:\n  - nope.yml\n"}})),
            "/p/compose.yml:2: cannot read /p/nope.yml");
}

TEST(ComposeExtends, SameFileOtherFileAndChains) {
  auto options = with_files({
      {"/p/compose.yml", R"(
services:
  base:
    image: busybox
    environment: [TZ=utc, PORT=80]
    volumes: ["common:/data:rw"]
    security_opt: [label:role:ROLE]
    user: root
  cli:
    extends: base
    environment: {PORT: "8080"}
    volumes: ["cli:/data:ro"]
    security_opt: [label:user:USER]
  web:
    extends: {file: ../common/services.yml, service: webapp}
    ports: ["8080:80"]
volumes: {common: {}, cli: {}}
)"},
      {"/common/services.yml", R"(
services:
  root:
    image: nginx
    env_file: ./web.env
  webapp:
    extends: root
    build: ./site
    command: [nginx, -g, "daemon off;"]
)"},
      {"/common/web.env", "FROM_FILE=yes\n"},
  });
  auto project = load_project(options).project;
  const Service& cli = project.services.at("cli");
  EXPECT_EQ(cli.image, "busybox");
  EXPECT_EQ(cli.user, "root");
  EXPECT_EQ(cli.environment, (std::map<std::string, std::string>{{"PORT", "8080"}, {"TZ", "utc"}}));
  ASSERT_EQ(cli.volumes.size(), 1u);  // the same target: the extending service's mount wins
  EXPECT_EQ(cli.volumes[0].source, "cli");
  EXPECT_TRUE(cli.volumes[0].read_only);
  EXPECT_THAT(cli.security_opt, ElementsAre("label:role:ROLE", "label:user:USER"));
  const Service& web = project.services.at("web");
  EXPECT_EQ(web.image, "nginx");
  EXPECT_EQ(web.build->context, "/common/site");  // relative to the file that holds it
  EXPECT_EQ(web.environment.at("FROM_FILE"), "yes");
  EXPECT_THAT(*web.command, ElementsAre("nginx", "-g", "daemon off;"));
  EXPECT_EQ(web.ports.size(), 1u);
}

TEST(ComposeExtends, Errors) {
  EXPECT_THAT(
      error_of(with_files(
          {{"/p/compose.yml", "services:\n  a: {image: x, extends: b}\n  b: {extends: a}\n"}})),
      HasSubstr("services extend each other in a cycle"));
  EXPECT_EQ(
      error_of(
          with_files({{"/p/compose.yml", "services:\n  a:\n    image: x\n    extends: nope\n"}})),
      "/p/compose.yml:4: services.a.extends: service \"nope\" is not defined in /p/compose.yml");
  EXPECT_THAT(error_of(with_files({{"/p/compose.yml",
                                    "services:\n  a:\n    extends: {file: x.yml, service: b}\n"}})),
              HasSubstr("cannot read /p/x.yml"));
}

TEST(ComposeMergeRules, NewerKeysMergeLikeDockerCompose) {
  auto options = with_files(
      {
          {"/p/compose.yml", R"(
services:
  a:
    image: x
    sysctls: [net.core.somaxconn=1024]
    dns: 1.1.1.1
    cap_add: [NET_ADMIN]
    tmpfs: /run
    secrets: [s, {source: s, target: other}]
    logging: {driver: json-file, options: {max-size: 10m}}
    ulimits: {nofile: {soft: 100, hard: 200}}
secrets:
  s: {environment: S}
)"},
          {"/p/override.yml", R"(
services:
  a:
    sysctls: {net.ipv4.tcp_syncookies: 0}
    dns: [8.8.8.8, 1.1.1.1]
    cap_add: [NET_ADMIN, SYS_TIME]
    tmpfs: [/run, /tmp]
    secrets: [{source: s, target: /run/secrets/s, mode: 0400}]
    logging: {options: {max-file: "3"}}
    ulimits: {nofile: {soft: 300, hard: 400}}
)"},
      },
      {"/p/compose.yml", "/p/override.yml"}, {{"S", "v"}});
  const Service a = load_project(options).project.services.at("a");
  EXPECT_EQ(a.sysctls.size(), 2u);
  EXPECT_THAT(a.dns, ElementsAre("1.1.1.1", "8.8.8.8"));
  EXPECT_THAT(a.cap_add, ElementsAre("NET_ADMIN", "SYS_TIME"));
  EXPECT_THAT(a.tmpfs, ElementsAre("/run", "/tmp"));
  ASSERT_EQ(a.secrets.size(), 2u);
  EXPECT_EQ(a.secrets[0].mode, 0400);  // the same target: replaced in place
  EXPECT_EQ(a.logging->driver, "json-file");
  EXPECT_EQ(a.logging->options.size(), 2u);
  EXPECT_EQ(a.ulimits[0].soft, 300);

  // A different logging driver replaces the options instead of merging them.
  auto other_driver =
      with_files({{"/p/compose.yml",
                   "services:\n  a:\n    image: x\n    logging: {driver: json-file, options: "
                   "{max-size: 1m}}\n"},
                  {"/p/override.yml", "services:\n  a:\n    logging: {driver: syslog}\n"}},
                 {"/p/compose.yml", "/p/override.yml"});
  const Service b = load_project(other_driver).project.services.at("a");
  EXPECT_EQ(b.logging->driver, "syslog");
  EXPECT_TRUE(b.logging->options.empty());
}

TEST(ComposeMergeRules, DuplicateTargetsInOneFileKeepTheLastAsComposeDoes) {
  auto project =
      testing::load_text("services:\n  a:\n    image: x\n    volumes: [\"/d\", \"./x:/d\"]\n")
          .project;
  ASSERT_EQ(project.services.at("a").volumes.size(), 1u);
  EXPECT_EQ(project.services.at("a").volumes[0].source, "/work/proj/x");
  EXPECT_THAT(testing::load_error(
                  "services:\n  a:\n    image: x\n    tmpfs: [/d]\n    volumes: [\"./x:/d\"]\n"),
              HasSubstr("services.a.volumes[0]: /d is already mounted by tmpfs"));
}

}  // namespace
}  // namespace ollama_stack::compose
