#include "ollama_stack/compose/shell_words.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ollama_stack::compose {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

TEST(ComposeShellWords, SplitsOnWhitespace) {
  EXPECT_THAT(split_shell_words("  serve  --port\t8000\n"),
              Optional(ElementsAre("serve", "--port", "8000")));
}

TEST(ComposeShellWords, QuotesGroupAndAreRemoved) {
  EXPECT_THAT(split_shell_words(R"(sh -c 'echo $HOME; ls' "a b" x"y z")"),
              Optional(ElementsAre("sh", "-c", "echo $HOME; ls", "a b", "xy z")));
}

TEST(ComposeShellWords, EscapesAndEmptyWords) {
  EXPECT_THAT(split_shell_words(R"(a\ b "q\"uote" "\$x" "" '')"),
              Optional(ElementsAre("a b", "q\"uote", "$x", "", "")));
  EXPECT_THAT(split_shell_words(R"("back\slash")"), Optional(ElementsAre("back\\slash")));
}

TEST(ComposeShellWords, EmptyTextHasNoWords) {
  EXPECT_THAT(split_shell_words("   "), Optional(ElementsAre()));
}

TEST(ComposeShellWords, UnclosedQuoteIsNullopt) {
  EXPECT_FALSE(split_shell_words("echo 'oops").has_value());
  EXPECT_FALSE(split_shell_words("echo \"oops").has_value());
}

}  // namespace
}  // namespace ollama_stack::compose
