#include "ollama_stack/compose/mounts.hpp"

#include "compose_test_support.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::HasSubstr;

const VariableLookup kHome = testing::lookup_from({{"HOME", "/home/me"}});

Mount mount_of(const std::string& entry, const VariableLookup& lookup = kHome) {
  Node doc = parse_yaml("- " + entry + "\n", "f.yml");
  return parse_volume_entry(doc.items.at(0), "services.a.volumes[0]", "/work/proj", lookup);
}

std::string error_of(const std::string& entry, const VariableLookup& lookup = kHome) {
  try {
    mount_of(entry, lookup);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ComposeMounts, NamedVolume) {
  EXPECT_EQ(mount_of("data:/var/lib/data"),
            (Mount{Mount::Type::volume, "data", "/var/lib/data", false}));
  EXPECT_EQ(mount_of("data:/var/lib/data:ro"),
            (Mount{Mount::Type::volume, "data", "/var/lib/data", true}));
  EXPECT_EQ(mount_of("data:/var/lib/data/:rw"),
            (Mount{Mount::Type::volume, "data", "/var/lib/data", false}));
}

TEST(ComposeMounts, BindPathsBecomeAbsolute) {
  EXPECT_EQ(mount_of("./conf:/etc/conf"),
            (Mount{Mount::Type::bind, "/work/proj/conf", "/etc/conf", false}));
  EXPECT_EQ(mount_of("../shared/x:/x:ro"),
            (Mount{Mount::Type::bind, "/work/shared/x", "/x", true}));
  EXPECT_EQ(mount_of("/abs/path:/p"), (Mount{Mount::Type::bind, "/abs/path", "/p", false}));
  EXPECT_EQ(mount_of("~/models:/models"),
            (Mount{Mount::Type::bind, "/home/me/models", "/models", false}));
  EXPECT_EQ(mount_of("~:/h"), (Mount{Mount::Type::bind, "/home/me", "/h", false}));
  EXPECT_EQ(mount_of(".:/src"), (Mount{Mount::Type::bind, "/work/proj", "/src", false}));
}

TEST(ComposeMounts, AnonymousVolume) {
  EXPECT_EQ(mount_of("/cache"), (Mount{Mount::Type::volume, "", "/cache", false}));
}

TEST(ComposeMounts, LongSyntax) {
  EXPECT_EQ(mount_of("{type: volume, source: data, target: /d, read_only: true}"),
            (Mount{Mount::Type::volume, "data", "/d", true}));
  EXPECT_EQ(mount_of("{type: bind, source: ./c, target: /c}"),
            (Mount{Mount::Type::bind, "/work/proj/c", "/c", false}));
  EXPECT_EQ(mount_of("{type: tmpfs, target: /tmp}"),
            (Mount{Mount::Type::tmpfs, "", "/tmp", false}));
  EXPECT_EQ(mount_of("{target: /anon}"), (Mount{Mount::Type::volume, "", "/anon", false}));
}

TEST(ComposeMounts, Errors) {
  EXPECT_EQ(
      error_of("data:relative"),
      "f.yml:1: services.a.volumes[0]: \"data:relative\": the container path must be absolute");
  EXPECT_THAT(error_of("data:/d:q"), HasSubstr("mode \"q\" is not a volume option"));
  EXPECT_THAT(error_of("a:/b:ro:x"), HasSubstr("too many \":\""));
  EXPECT_THAT(error_of("bad$name:/d"), HasSubstr("is not a volume name or a path"));
  EXPECT_THAT(error_of("~/x:/x", nullptr), HasSubstr("cannot expand ~ because HOME is not set"));
  EXPECT_THAT(error_of("{type: bind, target: /c}"), HasSubstr("a bind mount needs a \"source\""));
  EXPECT_THAT(error_of("{type: tmpfs, source: x, target: /c}"),
              HasSubstr("services.a.volumes[0].source: a tmpfs mount has no source"));
  EXPECT_THAT(
      error_of("{type: cluster, target: /c}"),
      HasSubstr(
          "services.a.volumes[0].type: \"cluster\" is not a volume type a single engine has"));
  EXPECT_THAT(error_of("{source: x}"), HasSubstr("needs a \"target\""));
  EXPECT_THAT(error_of("{target: /c, bind: {propagation: shared}}"),
              HasSubstr("services.a.volumes[0].bind: a volume mount takes no bind options"));
  EXPECT_THAT(error_of("{target: /c, read_only: maybe}"), HasSubstr("\"maybe\" is not a boolean"));
}

TEST(ComposeMounts, VolumeTarget) {
  Node doc = parse_yaml("- data:/d/\n- /anon\n- {target: /t}\n- ./x:/y:ro\n", "f.yml");
  EXPECT_EQ(volume_target(doc.items[0]), "/d");
  EXPECT_EQ(volume_target(doc.items[1]), "/anon");
  EXPECT_EQ(volume_target(doc.items[2]), "/t");
  EXPECT_EQ(volume_target(doc.items[3]), "/y");
}

TEST(ComposeMounts, ServiceRules) {
  EXPECT_EQ(testing::load_error("services:\n  a:\n    image: x\n    volumes: [\"missing:/d\"]\n"),
            "compose.yml:4: services.a.volumes[0]: volume \"missing\" is not declared");
  // Two entries for one container path: the later one wins, as Compose merges them.
  EXPECT_EQ(testing::load_text("services:\n  a:\n    image: x\n    volumes: [\"/d\", \"./x:/d\"]\n")
                .project.services.at("a")
                .volumes.size(),
            1u);
  auto project = testing::load_text(
                     "services:\n  a:\n    image: x\n    volumes: [\"data:/d\", "
                     "\"./c:/c\"]\nvolumes:\n  data:\n")
                     .project;
  EXPECT_EQ(project.services.at("a").volumes.size(), 2u);
  EXPECT_EQ(project.volumes.at("data").name, "proj_data");
}

}  // namespace
}  // namespace ollama_stack::compose
