#include "ollama_stack/util/json_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::util {
namespace {

std::string error_of(std::string_view text) {
  try {
    (void)parse_json_text(text, "home/state.json", "the hint");
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.hint(), "the hint");
    return error.what();
  }
  return "";
}

TEST(JsonText, PositionOfOffset) {
  EXPECT_EQ(position_of_offset("ab\ncd", 0).line, 1u);
  EXPECT_EQ(position_of_offset("ab\ncd", 1).column, 2u);
  auto position = position_of_offset("ab\ncd", 4);
  EXPECT_EQ(position.line, 2u);
  EXPECT_EQ(position.column, 2u);
  EXPECT_EQ(position_of_offset("ab", 99).column, 3u);
}

TEST(JsonText, ParseErrorsPointAtLineAndColumn) {
  EXPECT_EQ(error_of("{\n  \"a\": x\n}"),
            "home/state.json:2:8: not valid JSON: invalid literal; last read: '\"a\": x'");
  EXPECT_THAT(error_of("{\n  \"a\": 1,\n}"),
              ::testing::StartsWith("home/state.json:3:1: not valid JSON: unexpected '}'"));
  EXPECT_THAT(error_of(""), ::testing::StartsWith(
                                "home/state.json:1:1: not valid JSON: unexpected end of input"));
}

TEST(JsonText, ValidTextParses) { EXPECT_EQ(parse_json_text("{\"a\": 1}", "p", "").at("a"), 1); }

TEST(JsonText, LineOfMember) {
  std::string_view text =
      "{\n  \"platform\": \"cpu\",\n  \"last_start\": {\n    \"x\": \"platform\",\n    "
      "\"platform\": 7\n  }\n}";
  EXPECT_EQ(line_of_member(text, {"platform"}), 2u);
  EXPECT_EQ(line_of_member(text, {"last_start", "platform"}), 5u);
  EXPECT_EQ(line_of_member(text, {"nope"}), std::nullopt);
}

}  // namespace
}  // namespace ollama_stack::util
