#include "ollama_stack/stack/extensions/extension_catalog.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/stack/extensions/extension_project.hpp"
#include "ollama_stack/util/error.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::stack {
namespace {

using ollama_stack::testing::spit;
using ollama_stack::testing::TempDir;
using ::testing::HasSubstr;

std::string manifest(const std::string& name, const std::string& version = "1.0.0") {
  return R"({"name": ")" + name + R"(", "display_name": "X", "description": "d", "version": ")" +
         version + R"(", "mcp": {"transport": "sse", "service": "server", "port": 8000}})";
}

const char* const kCompose = "services:\n  server:\n    image: ${X_IMAGE:-example/x:1}\n";

const compose::EmbeddedFile kBuiltin[] = {
    {"README.md", "top-level readme, not an extension"},
    {"alpha/mcp-config.json",
     R"({"name": "alpha", "display_name": "A", "description": "d", "version": "1.0.0",
      "mcp": {"transport": "sse", "service": "server", "port": 8000}})"},
    {"alpha/docker-compose.yml", "services:\n  server:\n    image: example/alpha:1\n"},
    {"alpha/docker-compose.nvidia.yml",
     "services:\n  server:\n    environment:\n      GPU: \"1\"\n"},
    {"beta/mcp-config.json",
     R"({"name": "beta", "display_name": "B", "description": "d", "version": "1.0.0",
      "mcp": {"transport": "sse", "service": "server", "port": 8000}})"},
    {"beta/docker-compose.yml", "services:\n  server:\n    image: example/beta:1\n"},
};

TEST(ExtensionCatalog, BuiltinAndUserWithOverride) {
  TempDir home;
  HomeLayout layout{home.path()};
  std::filesystem::create_directories(layout.extensions_dir() / "beta");
  spit(layout.extensions_dir() / "beta" / "mcp-config.json", manifest("beta", "2.0.0"));
  std::filesystem::create_directories(layout.extensions_dir() / "gamma");
  spit(layout.extensions_dir() / "gamma" / "mcp-config.json", manifest("gamma"));
  auto catalog = discover_extensions(layout, kBuiltin);
  ASSERT_EQ(catalog.extensions.size(), 3u);
  EXPECT_TRUE(catalog.invalid.empty());
  const auto* alpha = catalog.find("alpha");
  ASSERT_NE(alpha, nullptr);
  EXPECT_EQ(alpha->origin_text(), "built-in");
  EXPECT_EQ(alpha->manifest_path, "embedded:extensions/alpha/mcp-config.json");
  EXPECT_EQ(alpha->file("docker-compose.yml"),
            "services:\n  server:\n    image: example/alpha:1\n");
  const auto* beta = catalog.find("beta");
  ASSERT_NE(beta, nullptr);
  EXPECT_EQ(beta->manifest.version, "2.0.0");
  EXPECT_TRUE(beta->overrides_builtin);
  EXPECT_EQ(beta->origin_text(), "user (overrides the built-in one)");
  EXPECT_EQ(catalog.find("gamma")->origin_text(), "user");
  EXPECT_EQ(catalog.find("nope"), nullptr);
}

TEST(ExtensionCatalog, InvalidManifestIsKeptWithItsError) {
  TempDir home;
  HomeLayout layout{home.path()};
  std::filesystem::create_directories(layout.extensions_dir() / "broken");
  spit(
      layout.extensions_dir() / "broken" / "mcp-config.json",
      R"({"name": "broken", "display_name": "X", "description": "d", "mcp": {"transport": "sse", "service": "s", "port": 1}})");
  std::filesystem::create_directories(layout.extensions_dir() / "empty");
  auto catalog = discover_extensions(layout, kBuiltin);
  EXPECT_EQ(catalog.extensions.size(), 2u);
  ASSERT_EQ(catalog.invalid.size(), 2u);
  const std::string path = (layout.extensions_dir() / "broken" / "mcp-config.json").string();
  EXPECT_EQ(catalog.invalid[0].error, path + ": version: missing (a string)");
  EXPECT_THAT(catalog.invalid[1].error, HasSubstr("empty/mcp-config.json: missing"));
  try {
    require_extension(catalog, "broken");
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), path + ": version: missing (a string)");
  }
  try {
    require_extension(catalog, "unknown");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::usage);
    EXPECT_THAT(error.hint(), HasSubstr("alpha, beta"));
  }
}

TEST(ExtensionProject, LoadedOnTheCoreNetworkWithThePlatformOverride) {
  TempDir home;
  HomeLayout layout{home.path()};
  auto catalog = discover_extensions(layout, kBuiltin);
  const auto& alpha = *catalog.find("alpha");
  auto cpu = load_extension_project(alpha, layout, nullptr, Platform::cpu, "core");
  EXPECT_EQ(cpu.project.name, "core-ext-alpha");
  EXPECT_EQ(cpu.files, std::vector<std::string>{"embedded:extensions/alpha/docker-compose.yml"});
  ASSERT_EQ(cpu.project.networks.count("default"), 1u);
  EXPECT_EQ(cpu.project.networks.at("default").name, "core_default");
  EXPECT_TRUE(cpu.project.networks.at("default").external);
  EXPECT_EQ(cpu.project.services.at("server").environment.count("GPU"), 0u);
  auto nvidia = load_extension_project(alpha, layout, nullptr, Platform::nvidia, "core");
  EXPECT_EQ(nvidia.files.size(), 2u);
  EXPECT_EQ(nvidia.project.services.at("server").environment.at("GPU"), "1");
  EXPECT_EQ(extension_labels("core", "alpha"),
            (std::map<std::string, std::string>{{"ollama-stack.installation", "core"},
                                                {"ollama-stack.component", "extension"},
                                                {"ollama-stack.extension", "alpha"}}));
}

TEST(ExtensionProject, UserExtensionUsesTheStackVariablesAndChecksTheMcpService) {
  TempDir home;
  HomeLayout layout{home.path()};
  spit(layout.env_file(), "X_IMAGE=from/env-file:2\n");
  std::filesystem::create_directories(layout.extensions_dir() / "gamma");
  spit(layout.extensions_dir() / "gamma" / "mcp-config.json", manifest("gamma"));
  spit(layout.extensions_dir() / "gamma" / "docker-compose.yml", kCompose);
  auto catalog = discover_extensions(layout, {});
  const auto& gamma = *catalog.find("gamma");
  auto loaded = load_extension_project(gamma, layout, nullptr, Platform::cpu, "core");
  EXPECT_EQ(loaded.project.services.at("server").image, "from/env-file:2");
  EXPECT_EQ(extension_working_dir(gamma, layout), gamma.dir);

  spit(layout.extensions_dir() / "gamma" / "docker-compose.yml",
       "services:\n  other:\n    image: x\n");
  try {
    load_extension_project(gamma, layout, nullptr, Platform::cpu, "core");
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("mcp.service: \"server\" is not a service of"));
  }
  std::filesystem::remove(layout.extensions_dir() / "gamma" / "docker-compose.yml");
  try {
    load_extension_project(gamma, layout, nullptr, Platform::cpu, "core");
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("gamma/docker-compose.yml: missing"));
  }
}

TEST(ExtensionProject, MaterializesBuiltinFiles) {
  TempDir home;
  HomeLayout layout{home.path()};
  auto catalog = discover_extensions(layout, kBuiltin);
  const auto& alpha = *catalog.find("alpha");
  materialize_extension(alpha, layout);
  const auto dir = extension_working_dir(alpha, layout);
  EXPECT_EQ(ollama_stack::testing::slurp(dir / "docker-compose.yml"),
            "services:\n  server:\n    image: example/alpha:1\n");
  EXPECT_TRUE(std::filesystem::exists(dir / "mcp-config.json"));
}

}  // namespace
}  // namespace ollama_stack::stack
