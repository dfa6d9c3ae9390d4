// Compose files written the way they are found in the wild (tests/data/compose-wild/: READMEs'
// recipes, GPU and browser stacks, x- fragments and anchors, long syntax of every key, override
// files with !reset/!override and profiles, Swarm stack files, include/extends monorepos): each
// loads with no refusal, and the files Docker Compose refuses are refused too.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compose_test_support.hpp"
#include "ollama_stack/compose/container_spec.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::filesystem::path kCorpus =
    std::filesystem::path(OLLAMA_STACK_SOURCE_DIR) / "tests/data/compose-wild";

LoadResult load_case(const std::string& dir, const std::vector<std::string>& files,
                     std::map<std::string, std::string> variables = {},
                     std::vector<std::string> profiles = {}) {
  LoadOptions options;
  for (const auto& file : files) {
    const auto path = kCorpus / dir / file;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    options.sources.push_back({path.string(), text.str()});
  }
  options.lookup = testing::lookup_from(std::move(variables));
  options.profiles = std::move(profiles);
  options.project_name = "wild";
  auto result = load_project(options);
  // Every service converts into a create body on a current engine.
  for (const auto& [name, service] : result.project.services) {
    SpecOptions spec_options;
    spec_options.api_version = "1.45";
    container_spec(result.project, service, spec_options);
  }
  return result;
}

TEST(WildCorpus, OllamaWebuiGpuRecipe) {
  auto project = load_case("ollama-gpu", {"docker-compose.yml"}).project;
  EXPECT_EQ(project.services.at("ollama").image, "ollama/ollama:latest");
  EXPECT_EQ(project.services.at("ollama").device_requests.at(0).driver, "nvidia");
  EXPECT_EQ(project.services.at("open-webui").environment.at("WEBUI_SECRET_KEY"), "");
  EXPECT_EQ(project.services.at("open-webui").ports.at(0).published, 3000);
}

TEST(WildCorpus, AmdRocmRecipe) {
  auto project = load_case("ollama-rocm", {"compose.yaml"}).project;
  const Service& ollama = project.services.at("ollama");
  EXPECT_EQ(project.name, "wild");
  EXPECT_THAT(ollama.group_add, ElementsAre("video", "render", "44"));
  EXPECT_EQ(ollama.ipc, "host");
  EXPECT_EQ(ollama.devices.size(), 2u);
  EXPECT_EQ(ollama.shm_size_bytes, 8LL << 30);
  EXPECT_EQ(ollama.ports.at(0).host_ip, "127.0.0.1");
}

TEST(WildCorpus, BrowserAutomation) {
  auto result = load_case("browser", {"docker-compose.yml"});
  const Service& chrome = result.project.services.at("chrome");
  EXPECT_EQ(chrome.init, true);
  EXPECT_THAT(chrome.tmpfs, ElementsAre("/tmp:size=512m,mode=1777", "/run"));
  EXPECT_EQ(chrome.expose, (std::vector<std::string>{"4444/tcp", "7900/tcp"}));
  EXPECT_EQ(result.project.services.at("playwright").network_mode, "service:chrome");
  EXPECT_THAT(result.warnings, ElementsAre(HasSubstr("the top-level \"version\" key is obsolete")));
}

TEST(WildCorpus, FragmentsAnchorsAndMergeKeys) {
  auto result = load_case("fragments", {"docker-compose.yml"});
  const Service& app = result.project.services.at("app");
  EXPECT_EQ(app.restart, "unless-stopped");
  EXPECT_EQ(app.logging->options.at("max-file"), "3");
  EXPECT_EQ(app.environment.at("TZ"), "Europe/Berlin");
  EXPECT_EQ(app.networks.at(0).key, "backend");
  EXPECT_EQ(app.labels.at("traefik.enable"), "true");
  EXPECT_EQ(app.extensions.at("x-notes"), "kept as written");
  EXPECT_EQ(result.project.secrets.at("db_password").content, "correct horse battery staple\n");
  EXPECT_TRUE(result.warnings.empty());
}

TEST(WildCorpus, LongSyntaxOfEveryKey) {
  auto result = load_case("long-syntax", {"compose.yaml"}, {{"API_KEY", "k"}, {"COMMIT", "abc"}});
  const Service& api = result.project.services.at("api");
  EXPECT_EQ(api.build->dockerfile_inline, "FROM alpine:3.20\nRUN apk add --no-cache curl\n");
  EXPECT_EQ(api.build->args.at("COMMIT"), "abc");
  EXPECT_EQ(api.ports.at(0).published_last, 8081);
  EXPECT_EQ(api.volumes.at(2).tmpfs_size, 64 << 20);
  EXPECT_EQ(api.secrets.at(0).target, "/run/secrets/api_key");
  EXPECT_EQ(
      api.healthcheck->test,
      (std::vector<std::string>{"CMD-SHELL", "curl -fsS http://localhost:8080/health || exit 1"}));
  EXPECT_EQ(api.networks.at(0).key, "front");  // priority 100 first
  EXPECT_EQ(api.labels.at("com.example.team"), "platform");
  EXPECT_EQ(api.environment.at("LOG_LEVEL"), "info");
  EXPECT_EQ(result.project.volumes.at("data").driver_opts.at("device"), "/srv/api-data");
  EXPECT_THAT(result.warnings, Contains(HasSubstr("services.api.build.secrets: ignored")));
  EXPECT_THAT(result.warnings, Contains(HasSubstr("services.api.develop: ignored")));
}

TEST(WildCorpus, OverrideFilesResetOverrideAndProfiles) {
  auto plain = load_case("overrides", {"compose.yaml", "compose.override.yaml"}).project;
  const Service& web = plain.services.at("web");
  ASSERT_EQ(web.ports.size(), 1u);
  EXPECT_EQ(web.ports[0].published, 8443);
  EXPECT_FALSE(web.environment.contains("DEBUG"));
  EXPECT_EQ(web.environment.at("EXTRA"), "1");
  EXPECT_EQ(web.volumes.at(0).source.ends_with("html-dev"), true);
  EXPECT_FALSE(plain.services.contains("worker"));  // profile jobs not active
  EXPECT_FALSE(plain.services.contains("debug"));

  auto ci = load_case("overrides", {"compose.yaml", "compose.override.yaml", "compose.ci.yaml"}, {},
                      {"jobs", "debug"})
                .project;
  EXPECT_EQ(ci.services.at("worker").replicas, 3);
  EXPECT_THAT(*ci.services.at("worker").command, ElementsAre("worker", "--queue", "urgent"));
  EXPECT_FALSE(ci.services.contains("debug"));  // removed by !reset, whatever the profiles
  EXPECT_TRUE(ci.services.at("web").healthcheck.has_value());
}

TEST(WildCorpus, SwarmStackFile) {
  auto result = load_case("stack-deploy", {"docker-stack.yml"});
  const Service& api = result.project.services.at("api");
  EXPECT_EQ(api.replicas, 2);
  EXPECT_EQ(api.restart, "on-failure:3");
  EXPECT_EQ(api.nano_cpus, 500000000);
  EXPECT_EQ(api.pids_limit, 200);
  EXPECT_EQ(result.project.configs.at("api_conf").content, "workers=4\n");
  // version, endpoint_mode, labels, placement, update_config, rollback_config, restart_policy.delay
  // and .window, reservations.cpus
  EXPECT_EQ(result.warnings.size(), 9u);
}

TEST(WildCorpus, MonorepoWithIncludeAndExtends) {
  auto project = load_case("monorepo", {"compose.yaml"}).project;
  const auto dir = (kCorpus / "monorepo").string();
  EXPECT_EQ(project.name, "wild");
  EXPECT_EQ(project.services.at("db").image, "postgres:16");
  EXPECT_EQ(project.services.at("api").build->context, dir + "/services/api");
  EXPECT_EQ(project.services.at("api").environment.at("API_PORT"), "3000");
  const Service& web = project.services.at("web");
  EXPECT_EQ(web.image, "node:20-alpine");
  EXPECT_EQ(web.build->context, dir + "/web");
  EXPECT_EQ(web.environment.at("NPM_CONFIG_LOGLEVEL"), "warn");
  EXPECT_EQ(web.volumes.at(0).source, dir + "/common/cache");
  EXPECT_EQ(web.environment.at("API_URL"), "http://api:3000");
}

TEST(WildCorpus, Shorthands) {
  auto result = load_case("shorthand", {"docker-compose.yml"}, {{"FROM_SHELL", "yes"}});
  const Service& app = result.project.services.at("app");
  EXPECT_EQ(app.environment.at("SECRET"), "a b c");
  EXPECT_EQ(app.environment.at("FROM_SHELL"), "yes");
  EXPECT_EQ(app.environment.at("DATABASE_URL"), "postgres://u:p@db:5432/app?sslmode=disable");
  EXPECT_EQ(app.ports.size(), 4u);
  EXPECT_EQ(app.restart, "on-failure:5");
  EXPECT_EQ(app.logging->driver, "none");
  // links and volumes_from order the start: db and cache before app.
  std::vector<std::string> dependencies;
  for (const auto& dependency : app.depends_on) dependencies.push_back(dependency.service);
  EXPECT_THAT(dependencies, ElementsAre("db", "cache"));
}

TEST(WildCorpus, WhatDockerComposeRefusesIsRefused) {
  auto error_of = [](const std::string& file) {
    try {
      load_case("refusals", {file});
    } catch (const ConfigError& error) {
      return std::string(error.what());
    }
    return std::string("(loaded)");
  };
  EXPECT_THAT(error_of("network-mode-and-networks.yml"),
              HasSubstr("network_mode and networks cannot be used together"));
  EXPECT_THAT(error_of("container-name-replicas.yml"), HasSubstr("cannot be used with 2 replicas"));
  EXPECT_THAT(error_of("typo.yml"), HasSubstr("services.a.enviroment: this key is not supported"));
  EXPECT_THAT(error_of("undefined-secret.yml"), HasSubstr("secret \"nope\" is not declared"));
  EXPECT_THAT(error_of("distinct-replicas.yml"),
              HasSubstr("scale and deploy.replicas have distinct values"));
}

}  // namespace
}  // namespace ollama_stack::compose
