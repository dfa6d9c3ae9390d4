#include "ollama_stack/stack/home/variable_lookup.hpp"

#include <gtest/gtest.h>

#include <map>

namespace ollama_stack::stack {
namespace {

compose::VariableLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

EnvFile dotenv(std::vector<compose::DotenvEntry> entries) {
  EnvFile file;
  file.exists = true;
  file.entries = std::move(entries);
  return file;
}

TEST(VariableLookup, ProcessEnvironmentThenDotenv) {
  auto lookup = make_stack_lookup(env_of({{"WEBUI_PORT", "9000"}}),
                                  dotenv({{"WEBUI_PORT", "8081"}, {"OLLAMA_PORT", "11500"}}), "/h");
  EXPECT_EQ(lookup("WEBUI_PORT"), "9000");
  EXPECT_EQ(lookup("OLLAMA_PORT"), "11500");
  EXPECT_EQ(lookup("MCP_PROXY_PORT"), std::nullopt);  // the compose default applies
}

TEST(VariableLookup, HomeIsAlwaysTheResolvedHome) {
  auto lookup =
      make_stack_lookup(env_of({{"OLLAMA_STACK_HOME", "/elsewhere"}}),
                        dotenv({{"OLLAMA_STACK_HOME", "/other"}}), "/home/u/.ollama-stack/");
  EXPECT_EQ(lookup("OLLAMA_STACK_HOME"), "/home/u/.ollama-stack");
  auto relative = make_stack_lookup(nullptr, EnvFile{}, "rel/home");
  EXPECT_EQ(relative("OLLAMA_STACK_HOME"), (std::filesystem::current_path() / "rel/home").string());
}

TEST(VariableLookup, ProjectNameDefaults) {
  EXPECT_EQ(make_stack_lookup(nullptr, EnvFile{}, "/h")("PROJECT_NAME"), "ollama-stack");
  EXPECT_EQ(project_name(make_stack_lookup(nullptr, EnvFile{}, "/h")), "ollama-stack");
  EXPECT_EQ(project_name(make_stack_lookup(nullptr, dotenv({{"PROJECT_NAME", "mine"}}), "/h")),
            "mine");
  EXPECT_EQ(project_name(make_stack_lookup(env_of({{"PROJECT_NAME", ""}}), EnvFile{}, "/h")),
            "ollama-stack");
}

}  // namespace
}  // namespace ollama_stack::stack
