#include "ollama_stack/compose/interpolate.hpp"

#include "compose_test_support.hpp"
#include "ollama_stack/compose/yaml_document.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::lookup_from;

const VariableLookup kVars = lookup_from({{"SET", "value"}, {"EMPTY", ""}, {"B", "bee"}});

std::string expand(std::string_view text) { return interpolate(text, kVars).value; }

std::string error_of(std::string_view text) {
  try {
    interpolate(text, kVars, "f.yml:3: services.a.image");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Interpolate, TextWithoutDollarIsUnchanged) {
  EXPECT_EQ(expand("plain {text}"), "plain {text}");
}

TEST(Interpolate, BareAndBracedNames) {
  EXPECT_EQ(expand("$SET"), "value");
  EXPECT_EQ(expand("${SET}"), "value");
  EXPECT_EQ(expand("a-$SET-b"), "a-value-b");
  EXPECT_EQ(expand("${SET}x"), "valuex");
  EXPECT_EQ(expand("$SET.x"), "value.x");
}

TEST(Interpolate, DoubleDollarIsALiteralDollar) {
  EXPECT_EQ(expand("$$SET"), "$SET");
  EXPECT_EQ(expand("a$$"), "a$");
  EXPECT_EQ(expand("$${SET}"), "${SET}");
}

TEST(Interpolate, UnsetWithoutDefaultIsBlankAndReported) {
  auto result = interpolate("x${NOPE}y$NOPE2", kVars);
  EXPECT_EQ(result.value, "xy");
  EXPECT_THAT(result.unset_variables, ElementsAre("NOPE", "NOPE2"));
}

TEST(Interpolate, EmptyButSetIsNotReported) {
  auto result = interpolate("[${EMPTY}]", kVars);
  EXPECT_EQ(result.value, "[]");
  EXPECT_TRUE(result.unset_variables.empty());
}

TEST(Interpolate, ColonDashDefaultsWhenUnsetOrEmpty) {
  EXPECT_EQ(expand("${NOPE:-d}"), "d");
  EXPECT_EQ(expand("${EMPTY:-d}"), "d");
  EXPECT_EQ(expand("${SET:-d}"), "value");
  EXPECT_EQ(expand("${NOPE:-}"), "");
  EXPECT_TRUE(interpolate("${NOPE:-d}", kVars).unset_variables.empty());
}

TEST(Interpolate, DashDefaultsOnlyWhenUnset) {
  EXPECT_EQ(expand("${NOPE-d}"), "d");
  EXPECT_EQ(expand("${EMPTY-d}"), "");
  EXPECT_EQ(expand("${SET-d}"), "value");
}

TEST(Interpolate, DefaultsMayHoldSpacesColonsAndUrls) {
  EXPECT_EQ(expand("${NOPE:-http://host:11434/a b}"), "http://host:11434/a b");
}

TEST(Interpolate, ColonPlusAlternativeWhenSetAndNonEmpty) {
  EXPECT_EQ(expand("${SET:+alt}"), "alt");
  EXPECT_EQ(expand("${EMPTY:+alt}"), "");
  EXPECT_EQ(expand("${NOPE:+alt}"), "");
}

TEST(Interpolate, PlusAlternativeWhenSet) {
  EXPECT_EQ(expand("${SET+alt}"), "alt");
  EXPECT_EQ(expand("${EMPTY+alt}"), "alt");
  EXPECT_EQ(expand("${NOPE+alt}"), "");
}

TEST(Interpolate, ColonQuestionRequiresNonEmpty) {
  EXPECT_EQ(expand("${SET:?msg}"), "value");
  EXPECT_EQ(error_of("${EMPTY:?must be set}"),
            "f.yml:3: services.a.image: required variable EMPTY is missing a value: must be set");
  EXPECT_EQ(error_of("${NOPE:?}"),
            "f.yml:3: services.a.image: required variable NOPE is missing a value");
}

TEST(Interpolate, QuestionRequiresSet) {
  EXPECT_EQ(expand("${EMPTY?msg}"), "");
  EXPECT_EQ(error_of("${NOPE?gone}"),
            "f.yml:3: services.a.image: required variable NOPE is missing a value: gone");
}

TEST(Interpolate, RequiredErrorCarriesAHint) {
  try {
    interpolate("${NOPE:?x}", kVars);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.hint(), HasSubstr("set NOPE"));
  }
}

TEST(Interpolate, NestedDefaults) {
  EXPECT_EQ(expand("${NOPE:-${B:-c}}"), "bee");
  EXPECT_EQ(expand("${NOPE:-${NOPE2:-c}}"), "c");
  EXPECT_EQ(expand("${SET:-${NOPE:?never evaluated}}"), "value");
  EXPECT_EQ(expand("${SET:+<${B}>}"), "<bee>");
  EXPECT_EQ(expand("${NOPE:-$$literal}"), "$literal");
  EXPECT_EQ(error_of("${NOPE:?${B} is missing}"),
            "f.yml:3: services.a.image: required variable NOPE is missing a value: bee is missing");
}

TEST(Interpolate, UnterminatedBraceIsAnError) {
  EXPECT_THAT(error_of("${SET"), HasSubstr("f.yml:3: services.a.image: invalid interpolation "
                                           "format in \"${SET\": \"${\" is not closed"));
  EXPECT_THAT(error_of("${NOPE:-${B}"), HasSubstr("is not closed"));
}

TEST(Interpolate, BadNamesAreErrors) {
  EXPECT_THAT(error_of("${}"), HasSubstr("is not a valid variable name"));
  EXPECT_THAT(error_of("${1ABC}"), HasSubstr("\"1ABC\" is not a valid variable name"));
  EXPECT_THAT(error_of("${-x}"), HasSubstr("is not a valid variable name"));
  EXPECT_THAT(error_of("${A B}"), HasSubstr("unexpected \" B\" after variable name A"));
  EXPECT_THAT(error_of("${A=x}"), HasSubstr("unexpected \"=x\""));
  EXPECT_THAT(error_of("${A:x}"), HasSubstr("unexpected \":x\""));
}

TEST(Interpolate, LoneDollarIsAnError) {
  EXPECT_THAT(error_of("cost $5"), HasSubstr("\"$5\" is not a variable reference"));
  EXPECT_THAT(error_of("end$"), HasSubstr("\"$\" at the end"));
}

TEST(Interpolate, NullLookupTreatsEverythingAsUnset) {
  auto result = interpolate("${A:-d}$B", nullptr);
  EXPECT_EQ(result.value, "d");
  EXPECT_THAT(result.unset_variables, ElementsAre("B"));
}

TEST(Interpolate, DocumentValuesNotKeysAreInterpolatedWithWarningsOncePerVariable) {
  Node doc =
      parse_yaml("services:\n  $KEY:\n    image: ${SET}\n    command: [$NOPE, '$NOPE']\n", "f.yml");
  std::vector<std::string> warnings;
  interpolate_document(doc, kVars, warnings);
  const Node* service = doc.find("services")->find("$KEY");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->find("image")->value, "value");
  EXPECT_EQ(service->find("command")->items[0].value, "");
  EXPECT_THAT(warnings,
              ElementsAre("f.yml:4: services.$KEY.command[0]: the \"NOPE\" variable is not set; "
                          "defaulting to a blank string"));
}

TEST(Interpolate, DocumentErrorsNameFileLineAndPath) {
  Node doc = parse_yaml("services:\n  a:\n    ports:\n      - \"${P:?port}\"\n", "c.yml");
  std::vector<std::string> warnings;
  try {
    interpolate_document(doc, kVars, warnings);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "c.yml:4: services.a.ports[0]: required variable P is missing a value: port");
  }
}

TEST(Interpolate, LoadReportsUnsetVariableWarnings) {
  auto result = testing::load_text("services:\n  a:\n    image: \"img:${TAG}\"\n");
  EXPECT_EQ(result.project.services.at("a").image, "img:");
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_THAT(result.warnings[0],
              HasSubstr("compose.yml:3: services.a.image: the \"TAG\" variable is not set"));
}

}  // namespace
}  // namespace ollama_stack::compose
