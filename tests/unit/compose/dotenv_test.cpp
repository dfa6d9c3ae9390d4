#include "ollama_stack/compose/dotenv.hpp"

#include "compose_test_support.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::lookup_from;

std::vector<DotenvEntry> parse(std::string_view text, VariableLookup lookup = nullptr) {
  return parse_dotenv(text, "home/.env", lookup);
}

std::string error_of(std::string_view text) {
  try {
    parse(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Dotenv, KeyValueLinesInOrder) {
  EXPECT_THAT(parse("B=2\nA=1\n"), ElementsAre(DotenvEntry{"B", "2"}, DotenvEntry{"A", "1"}));
}

TEST(Dotenv, CommentsBlankLinesAndWhitespace) {
  EXPECT_THAT(parse("# comment\n\n  A = 1  \n\t# indented comment\nB=\n"),
              ElementsAre(DotenvEntry{"A", "1"}, DotenvEntry{"B", ""}));
}

TEST(Dotenv, ExportPrefix) {
  EXPECT_THAT(parse("export A=1\nexport  B=2\n"),
              ElementsAre(DotenvEntry{"A", "1"}, DotenvEntry{"B", "2"}));
}

TEST(Dotenv, InlineCommentNeedsASpaceBefore) {
  EXPECT_THAT(
      parse("A=x #comment\nB=x#not\nC=#x\n"),
      ElementsAre(DotenvEntry{"A", "x"}, DotenvEntry{"B", "x#not"}, DotenvEntry{"C", "#x"}));
}

TEST(Dotenv, SingleQuotesAreLiteral) {
  EXPECT_THAT(parse("A='a $B \\n # x'  # comment\n", lookup_from({{"B", "bee"}})),
              ElementsAre(DotenvEntry{"A", "a $B \\n # x"}));
}

TEST(Dotenv, DoubleQuotesProcessEscapes) {
  EXPECT_THAT(parse(R"(A="line1\nline2\t\"q\" \\ \$HOME")"),
              ElementsAre(DotenvEntry{"A", "line1\nline2\t\"q\" \\ $HOME"}));
}

TEST(Dotenv, DoubleQuotesMaySpanLines) {
  auto entries = parse("A=\"first\nsecond\"\nB=2\n");
  EXPECT_THAT(entries, ElementsAre(DotenvEntry{"A", "first\nsecond"}, DotenvEntry{"B", "2"}));
}

TEST(Dotenv, UnquotedAndDoubleQuotedValuesInterpolate) {
  auto entries = parse("A=a\nB=${A}-$C\nC2=\"${C:-d}\"\n", lookup_from({{"C", "see"}}));
  EXPECT_THAT(entries, ElementsAre(DotenvEntry{"A", "a"}, DotenvEntry{"B", "a-see"},
                                   DotenvEntry{"C2", "see"}));
}

TEST(Dotenv, BareKeyTakesTheLookupValueOrIsLeftOut) {
  EXPECT_THAT(parse("A\nB\n", lookup_from({{"A", "from-shell"}})),
              ElementsAre(DotenvEntry{"A", "from-shell"}));
}

TEST(Dotenv, RepeatedKeyKeepsLastValue) {
  EXPECT_THAT(parse("A=1\nB=2\nA=3\n"), ElementsAre(DotenvEntry{"A", "3"}, DotenvEntry{"B", "2"}));
}

TEST(Dotenv, CrLfLineEndings) {
  EXPECT_THAT(parse("A=1\r\nB=\"2\"\r\n"),
              ElementsAre(DotenvEntry{"A", "1"}, DotenvEntry{"B", "2"}));
}

TEST(Dotenv, UnclosedQuoteNamesTheLine) {
  EXPECT_EQ(error_of("A=1\nB=\"open\nC=3\n"), "home/.env:2: the quoted value of B is not closed");
  EXPECT_EQ(error_of("A='x\n"), "home/.env:1: the quoted value of A is not closed");
}

TEST(Dotenv, BadLinesNameTheLine) {
  EXPECT_THAT(error_of("A=1\n=2\n"),
              HasSubstr("home/.env:2: \"=2\" does not start with a variable name"));
  EXPECT_THAT(error_of("A=1\n\nKEY VALUE\n"), HasSubstr("home/.env:3: expected \"=\" after KEY"));
  EXPECT_THAT(error_of("A=\"x\" y\n"),
              HasSubstr("home/.env:1: unexpected text after the quoted value of A"));
  EXPECT_THAT(error_of("A=\"a\nb\" junk\n"), HasSubstr("home/.env:2: unexpected text"));
}

TEST(Dotenv, ControlBytesInABadLineAreShownNotObeyed) {
  const auto error = error_of("A=1\n\x1b[2J\x1b]0;owned\x07=x\n");
  EXPECT_THAT(error, HasSubstr("home/.env:2: \"\\x1b[2J\\x1b]0;owned\\x07=x\" does not start with a variable name"));
  EXPECT_EQ(error.find('\x1b'), std::string::npos) << "no raw escape byte reaches the terminal";
}

TEST(Dotenv, ABareKeyIsAnErrorWhereTheCallerSaysSo) {
  try {
    parse_dotenv("A=1\nOLLAMA_PORT11435\n", "home/.env", lookup_from({{"OLLAMA_PORT11435", "x"}}), false);
    FAIL() << "a line without = was accepted";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "home/.env:2: \"OLLAMA_PORT11435\" is not KEY=value (a name alone means nothing here)");
  }
}

TEST(Dotenv, BadInterpolationNamesTheLine) {
  EXPECT_THAT(error_of("A=1\nB=${oops\n"), HasSubstr("home/.env:2: invalid interpolation format"));
}

}  // namespace
}  // namespace ollama_stack::compose
