#include "ollama_stack/stack/home/home.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "ollama_stack/stack/home/env_file.hpp"
#include "ollama_stack/stack/home/state_file.hpp"
#include "ollama_stack/stack/home/webui_secret.hpp"
#include "ollama_stack/stack/mcp/mcp_config.hpp"
#include "ollama_stack/util/error.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::stack {
namespace {

using ollama_stack::testing::mode_of;
using ollama_stack::testing::slurp;
using ollama_stack::testing::spit;
using ollama_stack::testing::TempDir;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::string secret_in(const std::filesystem::path& home) {
  return read_env_file(HomeLayout{home}.env_file()).get("WEBUI_SECRET_KEY").value_or("");
}

TEST(Home, LayoutPaths) {
  HomeLayout home{"/h"};
  EXPECT_EQ(home.env_file(), "/h/.env");
  EXPECT_EQ(home.state_file(), "/h/.ollama-stack.json");
  EXPECT_EQ(home.lock_file(), "/h/lock");
  EXPECT_EQ(home.mcp_config(), "/h/mcp/config.json");
  EXPECT_EQ(home.extensions_dir(), "/h/extensions");
  EXPECT_EQ(home.compose_override(), "/h/compose/docker-compose.override.yml");
}

TEST(Home, CreatesEverythingPrivately) {
  TempDir dir;
  const auto root = dir / "home";
  HomeLayout home{root};
  auto result = ensure_home(root);
  EXPECT_THAT(result.created,
              UnorderedElementsAre(root, home.mcp_dir(), home.extensions_dir(), home.compose_dir(),
                                   home.env_file(), home.mcp_config(), home.state_file()));
  EXPECT_THAT(result.replaced, IsEmpty());
  EXPECT_THAT(result.kept, IsEmpty());
  EXPECT_TRUE(result.secret_generated);
  EXPECT_THAT(result.warnings, IsEmpty());
  for (const auto& d : {root, home.mcp_dir(), home.extensions_dir(), home.compose_dir()}) {
    EXPECT_EQ(mode_of(d), 0700u) << d;
  }
  EXPECT_EQ(mode_of(home.env_file()), 0600u);
  EXPECT_EQ(read_env_file(home.env_file()).get("PROJECT_NAME"), "ollama-stack");
  EXPECT_EQ(read_mcp_config(home.mcp_config()), mcp_config_document(default_mcp_servers()));
  EXPECT_EQ(load_state(home.state_file()), StackState{});
  EXPECT_FALSE(std::filesystem::exists(home.compose_override()));
}

TEST(Home, SecretIsHexOf32RandomBytes) {
  TempDir dir;
  ensure_home(dir.path());
  EXPECT_TRUE(std::regex_match(secret_in(dir.path()), std::regex("[0-9a-f]{64}")))
      << secret_in(dir.path());
}

TEST(Home, SecondRunKeepsEverything) {
  TempDir dir;
  ensure_home(dir.path());
  HomeLayout home{dir.path()};
  std::string env_before = slurp(home.env_file());
  auto result = ensure_home(dir.path());
  EXPECT_THAT(result.created, IsEmpty());
  EXPECT_THAT(result.replaced, IsEmpty());
  EXPECT_THAT(result.kept,
              UnorderedElementsAre(home.env_file(), home.mcp_config(), home.state_file()));
  EXPECT_FALSE(result.secret_generated);
  EXPECT_EQ(slurp(home.env_file()), env_before);
}

TEST(Home, ForceRewritesFilesButKeepsTheSecret) {
  TempDir dir;
  HomeLayout home{dir.path()};
  ensure_home(dir.path());
  std::string secret = secret_in(dir.path());
  set_env_value(home.env_file(), "WEBUI_PORT", "9999");
  spit(home.mcp_config(), "{\"mcpServers\": {}}");
  auto result = ensure_home(dir.path(), {.force = true});
  EXPECT_EQ(secret_in(dir.path()), secret);
  EXPECT_FALSE(result.secret_generated);
  EXPECT_THAT(result.replaced, UnorderedElementsAre(home.env_file(), home.mcp_config()));
  EXPECT_THAT(result.kept, Contains(home.state_file()));
  EXPECT_EQ(read_env_file(home.env_file()).get("WEBUI_PORT"), std::nullopt);
  EXPECT_EQ(mode_of(home.env_file()), 0600u);
}

TEST(Home, SecretsDifferBetweenHomes) {
  TempDir a;
  TempDir b;
  ensure_home(a.path());
  ensure_home(b.path());
  EXPECT_NE(secret_in(a.path()), secret_in(b.path()));
}

TEST(Home, ExistingEnvWithoutSecretGetsOneAndKeepsItsLines) {
  TempDir dir;
  HomeLayout home{dir.path()};
  spit(home.env_file(), "# my settings\nWEBUI_PORT=9000\n");
  auto result = ensure_home(dir.path());
  EXPECT_TRUE(result.secret_generated);
  std::string secret = secret_in(dir.path());
  EXPECT_EQ(secret.size(), 64u);
  EXPECT_EQ(slurp(home.env_file()),
            "# my settings\nWEBUI_PORT=9000\nWEBUI_SECRET_KEY=" + secret + "\n");
  EXPECT_THAT(result.kept, Contains(home.env_file()));
}

TEST(Home, WarnsAboutAnEnvOthersCanRead) {
  TempDir dir;
  HomeLayout home{dir.path()};
  ensure_home(dir.path());
  std::filesystem::permissions(home.env_file(), std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  auto result = ensure_home(dir.path());
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_THAT(result.warnings[0], HasSubstr("chmod 600 " + home.env_file().string()));
}

TEST(Home, BrokenEnvIsReportedNotReplaced) {
  TempDir dir;
  HomeLayout home{dir.path()};
  spit(home.env_file(), "WEBUI_SECRET_KEY=keep\nnot valid\n");
  for (bool force : {false, true}) {
    EXPECT_THROW(ensure_home(dir.path(), {.force = force}), ConfigError);
    EXPECT_EQ(slurp(home.env_file()), "WEBUI_SECRET_KEY=keep\nnot valid\n");
  }
}

TEST(Home, ForceResetsACorruptStateFileAfterKeepingACopy) {
  TempDir dir;
  HomeLayout home{dir.path()};
  ensure_home(dir.path());
  spit(home.state_file(), "{oops");
  EXPECT_THAT(ensure_home(dir.path()).kept, Contains(home.state_file()));
  EXPECT_EQ(slurp(home.state_file()), "{oops");
  auto result = ensure_home(dir.path(), {.force = true});
  EXPECT_THAT(result.replaced, Contains(home.state_file()));
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_THAT(result.warnings[0], HasSubstr(".ollama-stack.json.corrupt-"));
  EXPECT_EQ(load_state(home.state_file()), StackState{});
}

TEST(Home, AFileInTheWayIsAClearError) {
  TempDir dir;
  spit(dir / "home", "x");
  try {
    ensure_home(dir / "home");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_THAT(error.what(),
                HasSubstr((dir / "home").string() + " exists but is not a directory"));
  }
}

TEST(WebuiSecret, EnsureKeepsAndRotateReplaces) {
  TempDir dir;
  const auto env = dir / ".env";
  auto first = ensure_webui_secret(env);
  EXPECT_TRUE(first.generated);
  auto second = ensure_webui_secret(env);
  EXPECT_FALSE(second.generated);
  EXPECT_EQ(second.value, first.value);
  std::string rotated = rotate_webui_secret(env);
  EXPECT_NE(rotated, first.value);
  EXPECT_EQ(ensure_webui_secret(env).value, rotated);
  EXPECT_NE(generate_webui_secret(), generate_webui_secret());
}

}  // namespace
}  // namespace ollama_stack::stack
