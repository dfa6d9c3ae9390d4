// Project-level conversion: names, networks, volumes, profiles, top-level keys.
#include "ollama_stack/compose/convert.hpp"

#include "compose_test_support.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::load_error;
using testing::load_text;
using testing::options_for;

TEST(ComposeProject, NameFromTopLevelKey) {
  EXPECT_EQ(load_text("name: my-stack\nservices: {}\n").project.name, "my-stack");
}

TEST(ComposeProject, NamePrecedence) {
  const std::string yaml = "name: from-file\nservices:\n  a: {image: x}\n";
  LoadOptions options =
      options_for({{"compose.yml", yaml}}, {{"COMPOSE_PROJECT_NAME", "from-env"}});
  EXPECT_EQ(load_project(options).project.name, "from-env");
  options.project_name = "from-flag";
  EXPECT_EQ(load_project(options).project.name, "from-flag");
  EXPECT_EQ(load_project(options).project.services.at("a").image, "x");
}

TEST(ComposeProject, NameFromWorkingDirectoryIsNormalised) {
  LoadOptions options = options_for({{"/home/u/My Stack.v2/compose.yml", "services: {}\n"}});
  options.working_dir = "";
  Project project = load_project(options).project;
  EXPECT_EQ(project.working_dir, "/home/u/My Stack.v2");
  EXPECT_EQ(project.name, "mystackv2");
  EXPECT_EQ(normalize_project_name("__Web-App_1!"), "web-app_1");
}

TEST(ComposeProject, InvalidNamesAreErrors) {
  EXPECT_EQ(load_error("name: My Stack\nservices: {}\n"),
            "compose.yml:1: name: \"My Stack\" is not a valid project name");
  LoadOptions options = options_for({{"compose.yml", "services: {}\n"}});
  options.project_name = "-bad";
  EXPECT_THROW(load_project(options), ConfigError);
  options.working_dir = "/tmp/!!!";
  options.project_name = "";
  EXPECT_THAT([&] { load_project(options); },
              ::testing::ThrowsMessage<ConfigError>(HasSubstr("cannot derive a project name")));
}

TEST(ComposeProject, ConfigFilesAndWorkingDir) {
  Project project = load_project(options_for({{"a.yml", "services: {}\n"}, {"b.yml", ""}})).project;
  EXPECT_THAT(project.config_files, ElementsAre("a.yml", "b.yml"));
  EXPECT_EQ(project.working_dir, "/work/proj");
  EXPECT_TRUE(project.services.empty());
}

TEST(ComposeProject, DefaultNetworkIsAddedWhenUsed) {
  Project project = load_text("services:\n  a: {image: x}\n").project;
  ASSERT_TRUE(project.networks.contains("default"));
  EXPECT_EQ(project.networks.at("default").name, "proj_default");
  EXPECT_THAT(project.services.at("a").networks, ElementsAre(ServiceNetwork{"default", {}}));
}

TEST(ComposeProject, DeclaredNetworks) {
  Project project = load_text(R"(services:
  a:
    image: x
    networks:
      front:
        aliases: [web, www]
      back:
networks:
  front:
    driver: bridge
    labels: [tier=front]
  back:
    name: shared-back
  outside:
    external: true
  default:
    name: custom-default
)")
                        .project;
  // Compose connects them by priority, then by name: back is the primary network.
  EXPECT_THAT(project.services.at("a").networks,
              ElementsAre(ServiceNetwork{"back", {}}, ServiceNetwork{"front", {"web", "www"}}));
  EXPECT_EQ(project.networks.at("front").name, "proj_front");
  EXPECT_EQ(project.networks.at("front").labels.at("tier"), "front");
  EXPECT_EQ(project.networks.at("back").name, "shared-back");
  EXPECT_TRUE(project.networks.at("outside").external);
  EXPECT_EQ(project.networks.at("outside").name, "outside");
  EXPECT_EQ(project.networks.at("default").name, "custom-default");
}

TEST(ComposeProject, UndeclaredNetworkIsAnError) {
  EXPECT_EQ(load_error("services:\n  a:\n    image: x\n    networks: [default, ghost]\n"),
            "compose.yml:4: services.a.networks.ghost: network \"ghost\" is not declared");
}

TEST(ComposeProject, Volumes) {
  Project project = load_text(R"(services:
  a: {image: x, volumes: ["models:/m", "cache:/c"]}
volumes:
  models:
  cache:
    name: shared-cache
    driver: local
    labels: {keep: "yes"}
  old:
    external: true
)")
                        .project;
  EXPECT_EQ(project.volumes.at("models").name, "proj_models");
  EXPECT_EQ(project.volumes.at("models").driver, "local");
  EXPECT_EQ(project.volumes.at("cache").name, "shared-cache");
  EXPECT_EQ(project.volumes.at("cache").labels.at("keep"), "yes");
  EXPECT_TRUE(project.volumes.at("old").external);
  EXPECT_EQ(project.volumes.at("old").name, "old");
  EXPECT_THAT(load_error("services: {}\nvolumes:\n  v:\n    driver_ops: {a: b}\n"),
              HasSubstr("compose.yml:4: volumes.v.driver_ops: this key is not supported"));
  EXPECT_THAT(load_error("services: {}\nvolumes:\n  v:\n    external: maybe\n"),
              HasSubstr("compose.yml:4: volumes.v.external: \"maybe\" is not a boolean"));
}

TEST(ComposeProject, TopLevelKeys) {
  auto result = load_text("version: \"3.8\"\nx-anything: {a: 1}\nservices:\n  a: {image: x}\n");
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_EQ(result.warnings[0],
            "compose.yml:1: version: the top-level \"version\" key is obsolete and ignored");
  EXPECT_EQ(load_error("services: {}\n\nsecret:\n  s: {file: x}\n"),
            "compose.yml:3: secret: this key is not supported by ollama-stack");
  EXPECT_THAT(load_error("- a\n- b\n"),
              HasSubstr("compose.yml:1: a compose file must be a mapping, not a list"));
  EXPECT_THAT(load_error("services: [a]\n"),
              HasSubstr("compose.yml:1: services: must be a mapping, not a list"));
}

const char* kProfiles = R"(services:
  app:
    image: x
  gpu:
    image: y
    profiles: [gpu]
  debug:
    image: z
    profiles: [debug, all]
)";

TEST(ComposeProject, ServicesWithProfilesAreOffUnlessActive) {
  Project project = load_text(kProfiles).project;
  EXPECT_EQ(project.services.size(), 1u);
  EXPECT_TRUE(project.services.contains("app"));
}

TEST(ComposeProject, ProfilesFromOptionsAndEnvironment) {
  LoadOptions options =
      options_for({{"compose.yml", kProfiles}}, {{"COMPOSE_PROFILES", " debug , other"}});
  Project from_env = load_project(options).project;
  EXPECT_TRUE(from_env.services.contains("debug"));
  EXPECT_FALSE(from_env.services.contains("gpu"));
  options.profiles = {"gpu"};
  Project both = load_project(options).project;
  EXPECT_EQ(both.services.size(), 3u);
  LoadOptions star = options_for({{"compose.yml", kProfiles}});
  star.profiles = {"*"};
  EXPECT_EQ(load_project(star).project.services.size(), 3u);
}

TEST(ComposeProject, DependingOnADisabledServiceIsAnError) {
  std::string yaml = std::string(kProfiles) + "  web:\n    image: w\n    depends_on: [gpu]\n";
  try {
    load_text(yaml);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "compose.yml:12: services.web.depends_on.gpu: service \"web\" depends on \"gpu\", "
                 "which is disabled by its profiles (gpu)");
    EXPECT_EQ(e.hint(), "enable one of its profiles, e.g. --profile gpu");
  }
  LoadOptions options = options_for({{"compose.yml", yaml}});
  options.profiles = {"gpu"};
  EXPECT_THAT(load_project(options).project.services.at("web").depends_on,
              ElementsAre(Dependency{"gpu"}));
}

TEST(ComposeProject, OptionalDependencyOnADisabledServiceIsDropped) {
  std::string yaml = std::string(kProfiles) +
                     "  web:\n    image: w\n    depends_on: {gpu: {required: false}, app: {}}\n";
  EXPECT_THAT(load_text(yaml).project.services.at("web").depends_on,
              ElementsAre(Dependency{"app"}));
}

TEST(ComposeProject, ValidateDocumentChecksOneFileAlone) {
  Node doc = parse_yaml(
      "services:\n  a:\n    depends_on: [elsewhere]\n    volumes: [\"undeclared:/d\"]\n", "f.yml");
  ConvertContext context;
  context.project_name = "p";
  context.working_dir = "/w";
  context.partial = true;
  std::vector<std::string> warnings;
  EXPECT_NO_THROW(
      validate_document(doc, context, warnings));  // cross-file checks wait for the merge
  Node bad = parse_yaml("services:\n  a:\n    ports: [\"x:1\"]\n", "f.yml");
  EXPECT_THROW(validate_document(bad, context, warnings), ConfigError);
}

}  // namespace
}  // namespace ollama_stack::compose
