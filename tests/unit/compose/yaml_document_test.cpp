#include "ollama_stack/compose/yaml_document.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::string& yaml) {
  try {
    parse_yaml(yaml, "f.yml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ComposeYaml, KeepsFileAndLineOfEveryNode) {
  Node doc = parse_yaml("a:\n  b: 1\n  c:\n    - x\n    - y\n", "dir/f.yml");
  ASSERT_TRUE(doc.is_mapping());
  const Node* c = doc.find("a")->find("c");
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->is_sequence());
  EXPECT_EQ(c->items[1].value, "y");
  EXPECT_EQ(c->items[1].location.line, 5);
  EXPECT_EQ(c->items[1].location.file, "dir/f.yml");
  EXPECT_EQ(doc.find("a")->entries[0].key_location.line, 2);
  EXPECT_EQ(to_string(c->items[0].location), "dir/f.yml:4");
}

TEST(ComposeYaml, EmptyValueIsNullAtTheKeyLine) {
  Node doc = parse_yaml("a:\nb: ~\nc: 'null'\n", "f.yml");
  EXPECT_TRUE(doc.find("a")->is_null());
  EXPECT_EQ(doc.find("a")->location.line, 1);
  EXPECT_TRUE(doc.find("b")->is_null());
  ASSERT_TRUE(doc.find("c")->is_scalar());
  EXPECT_EQ(doc.find("c")->value, "null");
}

TEST(ComposeYaml, EmptyDocumentIsNull) {
  EXPECT_TRUE(parse_yaml("# nothing\n", "f.yml").is_null());
}

TEST(ComposeYaml, MergeKeyWithOneMapping) {
  Node doc = parse_yaml(
      "x-base: &base\n  image: a\n  restart: always\nsvc:\n  <<: *base\n  image: b\n", "f.yml");
  const Node* svc = doc.find("svc");
  EXPECT_EQ(svc->find("image")->value, "b");  // explicit key wins
  EXPECT_EQ(svc->find("restart")->value, "always");
  EXPECT_EQ(svc->find("<<"), nullptr);
  EXPECT_EQ(svc->entries.size(), 2u);
}

TEST(ComposeYaml, ExplicitKeyBeforeMergeKeyStillWins) {
  Node doc = parse_yaml("b: &b {image: a, tty: true}\nsvc:\n  image: mine\n  <<: *b\n", "f.yml");
  EXPECT_EQ(doc.find("svc")->find("image")->value, "mine");
  EXPECT_EQ(doc.find("svc")->find("tty")->value, "true");
}

TEST(ComposeYaml, MergeKeyWithListOfMappingsEarlierWins) {
  Node doc = parse_yaml(
      "one: &one {a: 1, b: 1}\ntwo: &two {b: 2, c: 2}\nsvc:\n  <<: [*one, *two]\n  c: 3\n",
      "f.yml");
  const Node* svc = doc.find("svc");
  EXPECT_EQ(svc->find("a")->value, "1");
  EXPECT_EQ(svc->find("b")->value, "1");
  EXPECT_EQ(svc->find("c")->value, "3");
}

TEST(ComposeYaml, NestedMergeKeysResolve) {
  Node doc = parse_yaml("a: &a {x: 1}\nb: &b\n  <<: *a\n  y: 2\nc:\n  <<: *b\n", "f.yml");
  EXPECT_EQ(doc.find("c")->find("x")->value, "1");
  EXPECT_EQ(doc.find("c")->find("y")->value, "2");
}

TEST(ComposeYaml, MergeKeyOfScalarIsAnError) {
  EXPECT_THAT(error_of("a:\n  <<: 5\n"), HasSubstr("f.yml:2: a merge key (<<) needs a mapping"));
  EXPECT_THAT(error_of("a:\n  <<: [1]\n"),
              HasSubstr("f.yml:2: a merge key (<<) list may only hold mappings"));
}

TEST(ComposeYaml, QuotedMergeKeyIsAnOrdinaryKey) {
  Node doc = parse_yaml("a:\n  '<<': 5\n", "f.yml");
  EXPECT_EQ(doc.find("a")->find("<<")->value, "5");
}

TEST(ComposeYaml, ResetAndOverrideTagsAreKept) {
  Node doc = parse_yaml("a: !reset null\nb: !reset {}\nc: !override [1]\nd: !reset\n", "f.yml");
  EXPECT_EQ(doc.find("a")->tag, Node::Tag::reset);
  EXPECT_TRUE(doc.find("a")->is_null());
  EXPECT_EQ(doc.find("b")->tag, Node::Tag::reset);
  EXPECT_TRUE(doc.find("b")->is_mapping());
  EXPECT_EQ(doc.find("c")->tag, Node::Tag::override_);
  EXPECT_EQ(doc.find("c")->items.at(0).value, "1");
  EXPECT_EQ(doc.find("d")->tag, Node::Tag::reset);
}

TEST(ComposeYaml, UnknownTagIsAnError) {
  EXPECT_THAT(error_of("a:\n  b: !weird 1\n"), HasSubstr("f.yml:2: unknown YAML tag \"!weird\""));
}

TEST(ComposeYaml, DuplicateKeyIsAnError) {
  EXPECT_THAT(error_of("a: 1\nb: 2\na: 3\n"), HasSubstr("f.yml:3: duplicate key \"a\""));
}

TEST(ComposeYaml, SyntaxErrorNamesTheLine) {
  EXPECT_THAT(error_of("a: 1\nb: [1, 2\n"), HasSubstr("f.yml:"));
  EXPECT_THAT(error_of("a: 1\nb: [1, 2\n"), HasSubstr("invalid YAML"));
}

TEST(ComposeYaml, NodeSetAndErase) {
  Node map = Node::mapping(Location{"f", 1});
  map.set("a", Node::scalar("1", {"f", 1}), {"f", 1});
  map.set("b", Node::scalar("2", {"f", 2}), {"f", 2});
  map.set("a", Node::scalar("3", {"f", 3}), {"f", 3});
  ASSERT_EQ(map.entries.size(), 2u);
  EXPECT_EQ(map.entries[0].key, "a");
  EXPECT_EQ(map.entries[0].value.value, "3");
  EXPECT_TRUE(map.erase("a"));
  EXPECT_FALSE(map.erase("a"));
  EXPECT_EQ(map.entries.size(), 1u);
}

}  // namespace
}  // namespace ollama_stack::compose

namespace ollama_stack::compose {
namespace {

TEST(ComposeYaml, SelfReferencingAliasIsAnErrorNotACrash) {
  EXPECT_THAT(error_of("a: &a\n  b: *a\n"), HasSubstr("nests too deeply"));
}

TEST(ComposeYaml, AliasBombIsAnError) {
  std::string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 8; ++i) {
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) yaml += (k ? ", *a" : "*a") + std::to_string(i - 1);
    yaml += "]\n";
  }
  EXPECT_THAT(error_of(yaml), HasSubstr("too many values"));
}

}  // namespace
}  // namespace ollama_stack::compose
