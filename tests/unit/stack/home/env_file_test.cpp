#include "ollama_stack/stack/home/env_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/util/error.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::stack {
namespace {

using compose::DotenvEntry;
using ollama_stack::testing::mode_of;
using ollama_stack::testing::slurp;
using ollama_stack::testing::spit;
using ollama_stack::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::optional<std::string> parsed_value(const std::string& text, const std::string& key) {
  for (const auto& entry : compose::parse_dotenv(text, "t")) {
    if (entry.key == key) return entry.value;
  }
  return std::nullopt;
}

TEST(EnvFile, MissingFileIsEmpty) {
  TempDir dir;
  EnvFile env = read_env_file(dir / ".env");
  EXPECT_FALSE(env.exists);
  EXPECT_TRUE(env.entries.empty());
  EXPECT_EQ(env.get("A"), std::nullopt);
}

TEST(EnvFile, ALineThatIsNotKeyValueIsRefusedNamingTheLine) {
  TempDir dir;
  spit(dir / ".env", "WEBUI_PORT=8080\nOLLAMA_PORT 11435\nMCP_PROXY_PORT\n");
  try {
    read_env_file(dir / ".env");
    FAIL() << "accepted";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr((dir / ".env").string() + ":2: expected \"=\" after OLLAMA_PORT"));
  }
  spit(dir / ".env", "WEBUI_PORT=8080\nMCP_PROXY_PORT\n");
  try {
    read_env_file(dir / ".env", [](std::string_view) -> std::optional<std::string> { return "1"; });
    FAIL() << "a bare name was accepted silently";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr(":2: \"MCP_PROXY_PORT\" is not KEY=value"));
  }
}

TEST(EnvFile, ReadsEntriesInOrder) {
  TempDir dir;
  spit(dir / ".env", "# c\nB=2\nA='one two'\n");
  EnvFile env = read_env_file(dir / ".env");
  EXPECT_TRUE(env.exists);
  EXPECT_THAT(env.entries, ElementsAre(DotenvEntry{"B", "2"}, DotenvEntry{"A", "one two"}));
  EXPECT_EQ(env.get("A"), "one two");
}

TEST(EnvFile, SyntaxErrorNamesFileAndLine) {
  TempDir dir;
  spit(dir / ".env", "A=1\n\nnot a line\n");
  try {
    read_env_file(dir / ".env");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr((dir / ".env").string() + ":3:"));
  }
}

TEST(EnvFile, FormatQuotesOnlyWhenNeeded) {
  EXPECT_EQ(format_env_assignment("A", "abc-1.2:3/x@y"), "A=abc-1.2:3/x@y");
  EXPECT_EQ(format_env_assignment("A", ""), "A=");
  EXPECT_EQ(format_env_assignment("A", "a b #c $HOME"), "A='a b #c $HOME'");
  EXPECT_EQ(format_env_assignment("A", "it's \"$x\"\n\\"), "A=\"it's \\\"\\$x\\\"\\n\\\\\"");
  for (std::string value : {"plain", "a b", "#x", "$HOME ${X}", "it's", "two\nlines", "q\"\\$\t"}) {
    EXPECT_EQ(parsed_value(format_env_assignment("K", value), "K"), value) << value;
  }
}

TEST(EnvFile, SetKeyReplacesItsLineAndKeepsEverythingElse) {
  std::string text = "# header comment\n\nA=1   # note\nexport B = \"x\"\n# trailing\nC=3";
  EXPECT_EQ(set_env_value_in_text(text, "B", "new value"),
            "# header comment\n\nA=1   # note\nB='new value'\n# trailing\nC=3");
  EXPECT_EQ(set_env_value_in_text(text, "C", "4"),
            "# header comment\n\nA=1   # note\nexport B = \"x\"\n# trailing\nC=4\n");
}

TEST(EnvFile, SetKeyAppendsWhenAbsent) {
  EXPECT_EQ(set_env_value_in_text("", "A", "1"), "A=1\n");
  EXPECT_EQ(set_env_value_in_text("X=1", "A", "1"), "X=1\nA=1\n");
  EXPECT_EQ(set_env_value_in_text("X=1\n# end\n", "A", "1"), "X=1\n# end\nA=1\n");
}

TEST(EnvFile, SetKeyGoesAfterItsCommentedExample) {
  EXPECT_EQ(set_env_value_in_text("# Port\n# PORT=80\n\nZ=1\n", "PORT", "81"),
            "# Port\n# PORT=80\nPORT=81\n\nZ=1\n");
}

TEST(EnvFile, SetKeyReplacesAMultiLineValueWhole) {
  std::string text = "A=\"line1\nline2 \\\" still\"\nB='x\ny'\nC=1\n";
  EXPECT_EQ(set_env_value_in_text(text, "A", "v"), "A=v\nB='x\ny'\nC=1\n");
  EXPECT_EQ(set_env_value_in_text(text, "B", "v"), "A=\"line1\nline2 \\\" still\"\nB=v\nC=1\n");
}

TEST(EnvFile, SetKeyReplacesTheLastDefinition) {
  EXPECT_EQ(set_env_value_in_text("A=1\nA=2\n", "A", "3"), "A=1\nA=3\n");
  EXPECT_EQ(set_env_value_in_text("AB=1\n", "A", "3"), "AB=1\nA=3\n");
}

TEST(EnvFile, SetKeyToItsCurrentValueChangesNothing) {
  std::string text = "A = 'x'  # keep my formatting\n";
  EXPECT_EQ(set_env_value_in_text(text, "A", "x"), text);
}

TEST(EnvFile, SetValuesWritesAtomicallyWithPrivateMode) {
  TempDir dir;
  const auto path = dir / ".env";
  spit(path, "# mine\nA=1\n\n# other\nB=2\n");
  EXPECT_TRUE(set_env_values(path, {{"A", "10"}, {"NEW", "x y"}}));
  EXPECT_EQ(slurp(path), "# mine\nA=10\n\n# other\nB=2\nNEW='x y'\n");
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_FALSE(set_env_value(path, "A", "10"));
  EXPECT_THAT(dir.entries(), ElementsAre(".env"));
}

TEST(EnvFile, SetValueCreatesAMissingFile) {
  TempDir dir;
  EXPECT_TRUE(set_env_value(dir / ".env", "A", "1"));
  EXPECT_EQ(slurp(dir / ".env"), "A=1\n");
  EXPECT_EQ(mode_of(dir / ".env"), 0600u);
}

}  // namespace
}  // namespace ollama_stack::stack
