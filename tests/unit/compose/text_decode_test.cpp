#include "ollama_stack/compose/text_decode.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "compose_test_support.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::HasSubstr;

std::string utf16(std::u16string_view text, bool big_endian) {
  std::string out = big_endian ? "\xFE\xFF" : "\xFF\xFE";
  for (char16_t unit : text) {
    char hi = static_cast<char>(unit >> 8);
    char lo = static_cast<char>(unit & 0xFF);
    out += big_endian ? hi : lo;
    out += big_endian ? lo : hi;
  }
  return out;
}

TEST(ComposeTextDecode, PlainUtf8PassesThrough) {
  EXPECT_EQ(decode_text("a: \xC3\xA9\n", "f.yml"), "a: \xC3\xA9\n");
}

TEST(ComposeTextDecode, Utf8BomIsDropped) {
  EXPECT_EQ(decode_text("\xEF\xBB\xBFservices: {}\n", "f.yml"), "services: {}\n");
}

TEST(ComposeTextDecode, Utf16LittleEndianWithBom) {
  EXPECT_EQ(decode_text(utf16(u"a: \u00e9\u20ac\n", false), "f.yml"), "a: \xC3\xA9\xE2\x82\xAC\n");
}

TEST(ComposeTextDecode, Utf16BigEndianWithBomAndSurrogatePair) {
  EXPECT_EQ(decode_text(utf16(u"x: \U0001F600", true), "f.yml"), "x: \xF0\x9F\x98\x80");
}

TEST(ComposeTextDecode, OddUtf16LengthIsAnError) {
  EXPECT_THROW(decode_text(std::string("\xFF\xFE"
                                       "a",
                                       3),
                           "f.yml"),
               ConfigError);
}

TEST(ComposeTextDecode, UnpairedSurrogateIsAnError) {
  EXPECT_THROW(decode_text(utf16(u"a\xD800", false), "f.yml"), ConfigError);
}

TEST(ComposeTextDecode, InvalidUtf8NamesFileAndLine) {
  try {
    decode_text("a: 1\nb: \xC3\x28\n", "dir/f.yml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("dir/f.yml:2: the file is not valid UTF-8"));
  }
}

TEST(ComposeTextDecode, Utf16FilesLoadAsProjects) {
  std::u16string yaml = u"services:\n  web:\n    image: nginx\n";
  for (bool big_endian : {false, true}) {
    auto result = load_project(testing::options_for({{"compose.yml", utf16(yaml, big_endian)}}));
    EXPECT_EQ(result.project.services.at("web").image, "nginx") << big_endian;
  }
}

}  // namespace
}  // namespace ollama_stack::compose
