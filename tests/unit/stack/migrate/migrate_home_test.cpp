#include "ollama_stack/stack/migrate/migrate_home.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/stack/home/env_defaults.hpp"
#include "ollama_stack/stack/home/env_file.hpp"
#include "ollama_stack/stack/home/state_file.hpp"
#include "ollama_stack/stack/migrate/migrate_steps.hpp"
#include "ollama_stack/util/error.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::stack {
namespace {

using namespace std::chrono;
using ollama_stack::testing::mode_of;
using ollama_stack::testing::slurp;
using ollama_stack::testing::spit;
using ollama_stack::testing::TempDir;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kPythonState =
    R"({"version": "0.2.0", "platform": {"nvidia": {"compose_file": "docker-compose.nvidia.yml"}},)"
    R"( "extensions": {"enabled": ["fetch"], "config": {}}})";
constexpr const char* kPythonEnv =
    "PROJECT_NAME='ollama-stack'\nWEBUI_SECRET_KEY='a-real-secret'\n";

auto secret() {
  return [] { return std::string("generated-secret"); };
}
const auto kNow = sys_days{2025y / March / 4} + 5h + 6min + 7s;

TEST(MigrateHome, APythonHomeIsPlannedWithoutChangingAnything) {
  TempDir dir;
  spit(dir / ".ollama-stack.json", kPythonState);
  spit(dir / ".env", kPythonEnv);
  const auto plan = plan_home_migration(HomeLayout{dir.path()}, secret());
  EXPECT_TRUE(plan.due());
  EXPECT_EQ(plan.state.found, 0);
  EXPECT_EQ(plan.state.found_as, "the Python ollama-stack 0.2.0");
  EXPECT_EQ(plan.env.found, 0);
  EXPECT_THAT(plan.state.changes, Contains("enabled extensions kept: fetch"));
  EXPECT_EQ(slurp(dir / ".ollama-stack.json"), kPythonState);
  EXPECT_EQ(slurp(dir / ".env"), kPythonEnv);
  EXPECT_THAT(dir.entries(), ElementsAre(".env", ".ollama-stack.json"));
}

TEST(MigrateHome, UpgradesKeepsCopiesOfTheOldFilesAndLoadsAfterwards) {
  TempDir dir;
  const HomeLayout home{dir.path()};
  spit(dir / ".ollama-stack.json", kPythonState);
  spit(dir / ".env", kPythonEnv);
  EXPECT_THROW(load_state(home.state_file()), MigrationDueError);

  const auto done = migrate_home(home, secret(), kNow);
  EXPECT_TRUE(done.done);
  EXPECT_EQ(done.backup, dir / "migrate-backup-20250304T050607Z");
  EXPECT_EQ(slurp(done.backup / ".ollama-stack.json"), kPythonState);
  EXPECT_EQ(slurp(done.backup / ".env"), kPythonEnv);
  EXPECT_EQ(mode_of(done.backup), 0700u);
  EXPECT_EQ(mode_of(done.backup / ".env"), 0600u);

  const auto state = load_state(home.state_file());
  EXPECT_EQ(state.schema_version, kStateSchemaVersion);
  EXPECT_THAT(state.enabled_extensions, ElementsAre("fetch"));
  const auto env = read_env_file(home.env_file());
  EXPECT_EQ(env.get("WEBUI_SECRET_KEY"), "a-real-secret");
  EXPECT_EQ(env.get("PROJECT_NAME"), "ollama-stack");
  EXPECT_EQ(mode_of(home.env_file()), 0600u);
  // A second run finds nothing to do and writes nothing.
  const auto again = migrate_home(home, secret(), kNow + 1h);
  EXPECT_FALSE(again.due());
  EXPECT_FALSE(again.done);
  EXPECT_THAT(dir.entries(),
              ElementsAre(".env", ".ollama-stack.json", "migrate-backup-20250304T050607Z"));
}

TEST(MigrateHome, OnlyWhatIsDueIsRewritten) {
  TempDir dir;
  const HomeLayout home{dir.path()};
  const std::string current_state =
      "{\n  \"schema_version\": 1,\n  \"enabled_extensions\": []\n}\n";
  spit(dir / ".ollama-stack.json", current_state);
  spit(dir / ".env", kPythonEnv);
  const auto done = migrate_home(home, secret(), kNow);
  EXPECT_FALSE(done.state.due());
  EXPECT_EQ(slurp(home.state_file()), current_state);
  EXPECT_EQ(env_format_of(slurp(home.env_file())), kEnvFormatVersion);
  EXPECT_EQ(slurp(done.backup / ".ollama-stack.json"),
            current_state);  // both copies belong together
}

TEST(MigrateHome, ANewHomeNeedsNothing) {
  TempDir dir;
  spit(dir / ".env", default_env_text("s"));
  const auto plan = plan_home_migration(HomeLayout{dir.path()}, secret());
  EXPECT_FALSE(plan.due());
  EXPECT_FALSE(plan.state.exists);
  EXPECT_EQ(check_home_migration(HomeLayout{dir.path()}).status, CheckStatus::pass);
}

TEST(MigrateHome, BrokenFilesAreNamedAndNothingIsWritten) {
  TempDir dir;
  spit(dir / ".ollama-stack.json", "{\"version\": ");
  spit(dir / ".env", kPythonEnv);
  try {
    migrate_home(HomeLayout{dir.path()}, secret(), kNow);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr((dir / ".ollama-stack.json").string()));
  }
  EXPECT_THAT(dir.entries(), ElementsAre(".env", ".ollama-stack.json"));
}

TEST(MigrateHome, CheckSaysWhenAMigrationIsDue) {
  TempDir dir;
  const HomeLayout home{dir.path()};
  spit(dir / ".env", kPythonEnv);
  auto env_only = check_home_migration(home);
  EXPECT_EQ(env_only.status, CheckStatus::warn);
  EXPECT_THAT(env_only.message, HasSubstr(".env 0 -> 1"));
  EXPECT_THAT(env_only.fix, HasSubstr("ollama-stack migrate"));
  spit(dir / ".ollama-stack.json", kPythonState);
  auto both = check_home_migration(home);
  EXPECT_EQ(both.status, CheckStatus::fail);  // start refuses the old state file
  EXPECT_THAT(both.message, HasSubstr(".ollama-stack.json 0 -> 1"));
  EXPECT_THAT(both.message, HasSubstr("the Python ollama-stack 0.2.0"));
}

}  // namespace
}  // namespace ollama_stack::stack
