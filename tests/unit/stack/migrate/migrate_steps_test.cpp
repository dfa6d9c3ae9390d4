#include "ollama_stack/stack/migrate/migrate_steps.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/compose/dotenv.hpp"
#include "ollama_stack/stack/home/env_defaults.hpp"
#include "ollama_stack/stack/home/state_file.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// What the Python ollama-stack's `install` wrote (pydantic's model_dump_json(indent=4) of its
// AppConfig, project_name and webui_secret_key excluded: ollama_stack_cli/config.py, schemas.py).
constexpr const char* kPythonState = R"({
    "version": "0.2.0",
    "services": {
        "ollama": {"type": "docker", "health_check_url": null},
        "webui": {"type": "docker", "health_check_url": null},
        "mcp_proxy": {"type": "docker", "health_check_url": null}
    },
    "docker_compose_file": "docker-compose.yml",
    "data_directory": "~/.ollama-stack/data",
    "backup_directory": "~/.ollama-stack/backups",
    "platform": {
        "apple": {"compose_file": "docker-compose.apple.yml"},
        "nvidia": {"compose_file": "docker-compose.nvidia.yml"}
    },
    "extensions": {"enabled": ["dia-tts-mcp"], "config": {}}
})";

// python-dotenv's set_key quotes every value; the fallback path wrote a placeholder secret.
constexpr const char* kPythonEnv =
    "PROJECT_NAME='ollama-stack'\nWEBUI_SECRET_KEY='your-secret-key-here'\n";

TEST(MigrateSteps, ThePythonStateFileIsSchemaZero) {
  const auto json = nlohmann::json::parse(kPythonState);
  EXPECT_EQ(state_schema_of(json), 0);
  EXPECT_EQ(describe_state_schema(json), "the Python ollama-stack 0.2.0");
  EXPECT_EQ(state_schema_of(nlohmann::json::parse(R"({"extensions": {"enabled": []}})")), 0);
  EXPECT_EQ(state_schema_of(nlohmann::json::parse("{}")), 1);
  EXPECT_EQ(state_schema_of(nlohmann::json::parse(R"({"enabled_extensions": ["a"]})")), 1);
  EXPECT_EQ(state_schema_of(nlohmann::json::parse(R"({"schema_version": 1, "version": "x"})")), 1);
}

TEST(MigrateSteps, StateZeroToOneKeepsTheEnabledExtensionsAndDropsThePythonMembers) {
  auto json = nlohmann::json::parse(kPythonState);
  json["my_own_member"] = 42;
  const auto upgrade = upgrade_state_json(json);
  const auto state = state_from_json(upgrade.json, "state");
  EXPECT_EQ(state.schema_version, 1);
  EXPECT_THAT(state.enabled_extensions, ElementsAre("dia-tts-mcp"));
  EXPECT_EQ(state.platform, std::nullopt);
  EXPECT_EQ(state.other_members, nlohmann::json({{"my_own_member", 42}}));
  EXPECT_THAT(upgrade.changes, Contains("enabled extensions kept: dia-tts-mcp"));
  EXPECT_THAT(
      upgrade.changes,
      Contains(HasSubstr("dropped what only the Python ollama-stack used: backup_directory, "
                         "data_directory, docker_compose_file, platform, services, version")));
}

TEST(MigrateSteps, StateExtensionSettingsAreNamedWhenDropped) {
  auto json =
      nlohmann::json::parse(R"({"extensions": {"enabled": [], "config": {"x": {"port": 1}}}})");
  const auto upgrade = upgrade_state_json(json);
  EXPECT_THAT(upgrade.changes, Contains(HasSubstr(R"(extensions.config: {"x":{"port":1}})")));
  EXPECT_THAT(upgrade.changes, Contains("no extensions were enabled"));
}

TEST(MigrateSteps, ACurrentStateFileIsLeftAsItIs) {
  const auto json = nlohmann::json::parse(R"({"schema_version": 1, "enabled_extensions": ["a"]})");
  const auto upgrade = upgrade_state_json(json);
  EXPECT_EQ(upgrade.json, json);
  EXPECT_TRUE(upgrade.changes.empty());
}

TEST(MigrateSteps, ANewerStateSchemaIsRefused) {
  EXPECT_THROW(upgrade_state_json(nlohmann::json::parse(R"({"schema_version": 9})")), ConfigError);
}

TEST(MigrateSteps, EnvFormatIsReadFromItsFirstLines) {
  EXPECT_EQ(env_format_of(default_env_text("s")), kEnvFormatVersion);
  EXPECT_EQ(env_format_of("# ollama-stack .env format 7 (x)\nA=1\n"), 7);
  // What ollama-stack wrote before the format line: its header.
  EXPECT_EQ(env_format_of(
                "# ollama-stack settings, read for the stack's compose files. A variable\nA=1\n"),
            1);
  EXPECT_EQ(env_format_of(kPythonEnv), 0);
  EXPECT_EQ(env_format_of(""), 0);
}

TEST(MigrateSteps, EnvZeroToOneKeepsEveryLineAndReplacesThePlaceholderSecret) {
  const std::string text = std::string("# my note\n") + kPythonEnv + "OLLAMA_PORT=11500\n";
  const auto upgrade = upgrade_env_text(text, [] { return std::string("generated"); });
  EXPECT_EQ(env_format_of(upgrade.text), kEnvFormatVersion);
  EXPECT_THAT(upgrade.text, StartsWith(env_header_text()));
  EXPECT_THAT(
      upgrade.text,
      HasSubstr(
          "# my "
          "note\nPROJECT_NAME='ollama-stack'\nWEBUI_SECRET_KEY=generated\nOLLAMA_PORT=11500\n"));
  // The variables the file did not set are documented, the ones it set are not repeated.
  EXPECT_THAT(upgrade.text, HasSubstr("\n# WEBUI_PORT=8080\n"));
  EXPECT_THAT(upgrade.text, ::testing::Not(HasSubstr("# OLLAMA_PORT=11434")));
  const auto entries = compose::parse_dotenv(upgrade.text, ".env");
  EXPECT_THAT(entries, ElementsAre(compose::DotenvEntry{"PROJECT_NAME", "ollama-stack"},
                                   compose::DotenvEntry{"WEBUI_SECRET_KEY", "generated"},
                                   compose::DotenvEntry{"OLLAMA_PORT", "11500"}));
  EXPECT_THAT(upgrade.changes, Contains(HasSubstr("published placeholder")));
  EXPECT_THAT(upgrade.changes,
              Contains(HasSubstr("documented the variables the file did not set")));
}

TEST(MigrateSteps, EnvZeroToOneKeepsARealSecretAndGeneratesAMissingOne) {
  auto kept = upgrade_env_text("WEBUI_SECRET_KEY='abc'\n", [] { return std::string("new"); });
  EXPECT_THAT(kept.text, HasSubstr("WEBUI_SECRET_KEY='abc'\n"));
  EXPECT_THAT(kept.changes, ::testing::Not(Contains(HasSubstr("WEBUI_SECRET_KEY"))));
  auto generated = upgrade_env_text("PROJECT_NAME=p\n", [] { return std::string("new"); });
  EXPECT_THAT(generated.text, HasSubstr("WEBUI_SECRET_KEY=new\n"));
  EXPECT_THAT(generated.changes, Contains("WEBUI_SECRET_KEY was missing and was generated"));
}

TEST(MigrateSteps, EnvVariablesOnlyThePythonToolReadGetANote) {
  const auto upgrade = upgrade_env_text(
      "PROJECT_NAME=old\nWEBUI_SECRET_KEY=k\nOLLAMA_VOLUME_NAME=my_models\nWEBUI_VOLUME_NAME=old_"
      "webui_data\n"
      "STACK_VERSION=0.1\n",
      [] { return std::string("unused"); });
  EXPECT_THAT(
      upgrade.notes,
      Contains(HasSubstr("OLLAMA_VOLUME_NAME=my_models is not read by this ollama-stack: the "
                         "stack's ollama volume is old_ollama_data; copy the old volume's "
                         "content over with `ollama-stack migrate --from-volume "
                         "ollama=my_models`")));
  // The name the stack uses anyway needs nothing.
  EXPECT_THAT(upgrade.notes, ::testing::Not(Contains(HasSubstr("WEBUI_VOLUME_NAME"))));
  EXPECT_THAT(upgrade.notes, Contains(HasSubstr("STACK_VERSION is no longer read")));
}

TEST(MigrateSteps, ACurrentEnvIsLeftAsItIsAndANewerOneRefused) {
  const std::string text = default_env_text("s");
  const auto upgrade = upgrade_env_text(text, [] { return std::string("x"); });
  EXPECT_EQ(upgrade.text, text);
  EXPECT_TRUE(upgrade.changes.empty());
  EXPECT_THROW(upgrade_env_text("# ollama-stack .env format 99\n", [] { return std::string(); }),
               ConfigError);
}

}  // namespace
}  // namespace ollama_stack::stack
