#include "ollama_stack/stack/home/env_defaults.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "ollama_stack/compose/dotenv.hpp"

namespace ollama_stack::stack {
namespace {

using compose::DotenvEntry;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(EnvDefaults, DefaultFileSetsProjectAndSecretOnly) {
  std::string text = default_env_text("abc123");
  EXPECT_THAT(compose::parse_dotenv(text, ".env"),
              ElementsAre(DotenvEntry{"PROJECT_NAME", "ollama-stack"},
                          DotenvEntry{"WEBUI_SECRET_KEY", "abc123"}));
}

TEST(EnvDefaults, DefaultFileDocumentsEveryVariable) {
  std::string text = default_env_text("s");
  for (const auto& variable : stack_variables()) {
    EXPECT_THAT(text, HasSubstr(std::string(variable.name) + "=")) << variable.name;
  }
  EXPECT_THAT(text, HasSubstr("\n# OLLAMA_PORT=11434\n"));
  EXPECT_THAT(text, HasSubstr("\n# BIND_ADDRESS=127.0.0.1\n"));
}

// Every ${VAR} the stack's compose files use is documented (OLLAMA_STACK_HOME is set by
// ollama-stack itself), and every documented default matches the compose files'.
TEST(EnvDefaults, MatchesTheComposeFiles) {
  std::set<std::string> documented;
  for (const auto& variable : stack_variables()) documented.insert(std::string(variable.name));
  std::regex reference(R"(\$\{([A-Z_][A-Z0-9_]*)(:-([^}]*))?)");
  for (const char* name : {"docker-compose.yml", "docker-compose.nvidia.yml",
                           "docker-compose.amd.yml", "docker-compose.apple.yml"}) {
    std::ifstream in(std::string(OLLAMA_STACK_SOURCE_DIR) + "/compose/" + name);
    std::stringstream content;
    content << in.rdbuf();
    std::string text = content.str();
    for (std::sregex_iterator it(text.begin(), text.end(), reference), end; it != end; ++it) {
      std::string variable = (*it)[1];
      if (variable == std::string(kHomeVariable) || variable == std::string(kToolServersVariable))
        continue;
      EXPECT_TRUE(documented.count(variable)) << variable << " in " << name;
      if ((*it)[2].matched && std::string(name) == "docker-compose.yml") {
        for (const auto& known : stack_variables()) {
          if (known.name == variable) {
            EXPECT_EQ(known.default_value, (*it)[3].str()) << variable;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace ollama_stack::stack
