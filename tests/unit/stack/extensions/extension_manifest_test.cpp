#include "ollama_stack/stack/extensions/extension_manifest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const char* const kPath = "extensions/foo/mcp-config.json";

nlohmann::json valid() {
  return nlohmann::json::parse(R"({
    "name": "foo", "display_name": "Foo", "description": "Does foo", "version": "1.2.3",
    "mcp": {"transport": "sse", "service": "server", "port": 8000},
    "requirements": {"gpu": false, "min_memory_mb": 64, "env": ["FOO_TOKEN"]},
    "platforms": ["cpu", "apple"]})");
}

// The message of the ConfigError parsing `text` throws ("" when it parses).
std::string error_of(const std::string& text, std::string_view folder = "foo") {
  try {
    parse_manifest(text, kPath, folder);
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.hint(), HasSubstr("extensions/README.md"));
    return error.what();
  }
  return {};
}

TEST(ExtensionManifest, ParsesEveryField) {
  auto manifest = parse_manifest(valid().dump(2), kPath, "foo");
  EXPECT_EQ(manifest.name, "foo");
  EXPECT_EQ(manifest.display_name, "Foo");
  EXPECT_EQ(manifest.description, "Does foo");
  EXPECT_EQ(manifest.version, "1.2.3");
  EXPECT_EQ(manifest.mcp.transport, McpTransport::sse);
  EXPECT_EQ(manifest.mcp.service, "server");
  EXPECT_EQ(manifest.mcp.port, 8000);
  EXPECT_EQ(manifest.mcp.path, "/sse");
  EXPECT_FALSE(manifest.requirements.gpu);
  EXPECT_EQ(manifest.requirements.min_memory_mb, 64);
  EXPECT_EQ(manifest.requirements.env, std::vector<std::string>{"FOO_TOKEN"});
  EXPECT_EQ(manifest.platforms, (std::vector<Platform>{Platform::cpu, Platform::apple}));
}

TEST(ExtensionManifest, DefaultsForOptionalFields) {
  auto json = valid();
  json.erase("requirements");
  json.erase("platforms");
  json["mcp"]["transport"] = "streamable-http";
  auto manifest = parse_manifest(json.dump(), kPath, "foo");
  EXPECT_EQ(manifest.mcp.path, "/mcp");
  EXPECT_EQ(to_string(manifest.mcp.transport), "streamable-http");
  EXPECT_EQ(manifest.platforms.size(), 4u);
  EXPECT_FALSE(manifest.requirements.min_memory_mb.has_value());
  json["mcp"]["path"] = "/custom";
  EXPECT_EQ(parse_manifest(json.dump(), kPath, "foo").mcp.path, "/custom");
}

TEST(ExtensionManifest, MissingTransportNamesFileAndField) {
  auto json = valid();
  json["mcp"].erase("transport");
  EXPECT_EQ(error_of(json.dump(2)),
            std::string(kPath) + ":4: mcp.transport: missing (one of sse, streamable-http)");
}

TEST(ExtensionManifest, EachMissingRequiredFieldIsNamed) {
  for (const char* field : {"name", "display_name", "description", "version", "mcp"}) {
    auto json = valid();
    json.erase(field);
    auto message = error_of(json.dump(2));
    EXPECT_THAT(message, StartsWith(kPath)) << field;
    EXPECT_THAT(message, HasSubstr(std::string(": ") + field + ": missing")) << message;
  }
  for (const char* field : {"service", "port"}) {
    auto json = valid();
    json["mcp"].erase(field);
    EXPECT_THAT(error_of(json.dump(2)), HasSubstr(std::string("mcp.") + field + ": missing"));
  }
}

TEST(ExtensionManifest, BadValuesAreNamed) {
  auto with = [](const std::function<void(nlohmann::json&)>& change) {
    auto json = valid();
    change(json);
    return error_of(json.dump(2));
  };
  EXPECT_THAT(with([](auto& j) { j["mcp"]["transport"] = "websocket"; }),
              HasSubstr("mcp.transport: \"websocket\" is not one of sse, streamable-http"));
  EXPECT_THAT(with([](auto& j) { j["mcp"]["transport"] = "stdio"; }),
              HasSubstr("mcp.transport: stdio is not supported"));
  EXPECT_THAT(with([](auto& j) { j["mcp"]["port"] = 70000; }),
              HasSubstr("mcp.port: 70000 is not a port"));
  EXPECT_THAT(with([](auto& j) { j["mcp"]["port"] = "8000"; }),
              HasSubstr("mcp.port: \"8000\" is not a port"));
  EXPECT_THAT(with([](auto& j) { j["mcp"]["path"] = "sse"; }),
              HasSubstr("mcp.path: must be a string starting with /"));
  EXPECT_THAT(with([](auto& j) { j["version"] = 2; }), HasSubstr("version: must be a string"));
  EXPECT_THAT(with([](auto& j) { j["description"] = ""; }),
              HasSubstr("description: must not be empty"));
  EXPECT_THAT(with([](auto& j) {
                j["platforms"] = {"cpu", "windows"};
              }),
              HasSubstr("platforms: windows is not one of cpu, nvidia, amd, apple"));
  EXPECT_THAT(with([](auto& j) { j["platforms"] = nlohmann::json::array(); }),
              HasSubstr("platforms: must be a non-empty"));
  EXPECT_THAT(with([](auto& j) { j["requirements"]["gpu"] = "yes"; }),
              HasSubstr("requirements.gpu: must be true or false"));
  EXPECT_THAT(with([](auto& j) { j["requirements"]["gpu"] = true; }),
              HasSubstr("platforms: must include nvidia when requirements.gpu is true"));
  EXPECT_THAT(with([](auto& j) { j["requirements"]["env"] = "FOO"; }),
              HasSubstr("requirements.env: must be a list"));
  EXPECT_THAT(with([](auto& j) { j["schema_version"] = 2; }),
              HasSubstr("schema_version: 2 is newer"));
  EXPECT_THAT(with([](auto& j) { j["name"] = "Foo Bar"; }),
              HasSubstr("name: \"Foo Bar\" is not a valid name"));
}

TEST(ExtensionManifest, NameMustMatchTheFolder) {
  EXPECT_THAT(error_of(valid().dump(2), "bar"),
              HasSubstr("name: \"foo\" differs from the folder's name \"bar\""));
}

TEST(ExtensionManifest, BadJsonAndNonObject) {
  EXPECT_THAT(error_of("{\n  \"name\": \n}"),
              StartsWith(std::string(kPath) + ":3:1: not valid JSON"));
  EXPECT_EQ(error_of("[]"), std::string(kPath) + ": must hold a JSON object");
}

TEST(ExtensionManifest, ValidNames) {
  EXPECT_TRUE(valid_extension_name("fetch"));
  EXPECT_TRUE(valid_extension_name("mcp-test_2"));
  EXPECT_FALSE(valid_extension_name(""));
  EXPECT_FALSE(valid_extension_name("-x"));
  EXPECT_FALSE(valid_extension_name("Fetch"));
  EXPECT_FALSE(valid_extension_name("a/b"));
  EXPECT_FALSE(valid_extension_name(std::string(41, 'a')));
}

TEST(ExtensionManifest, SupportedPlatforms) {
  auto manifest = parse_manifest(valid().dump(), kPath, "foo");
  std::string why;
  EXPECT_TRUE(supports_platform(manifest, Platform::cpu));
  EXPECT_FALSE(supports_platform(manifest, Platform::nvidia, &why));
  EXPECT_EQ(why, "not made for the nvidia platform");
  manifest.platforms = {Platform::cpu, Platform::nvidia};
  manifest.requirements.gpu = true;
  EXPECT_FALSE(supports_platform(manifest, Platform::cpu, &why));
  EXPECT_EQ(why, "needs an NVIDIA GPU");
  EXPECT_TRUE(supports_platform(manifest, Platform::nvidia));
}

}  // namespace
}  // namespace ollama_stack::stack
