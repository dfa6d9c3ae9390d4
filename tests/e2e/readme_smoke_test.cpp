// The README's first screen, verbatim: its first code block holds the two commands a newcomer
// copies. The first is run exactly as written, as root and as a fresh unprivileged user, in clean
// homes (tests/e2e/readme_smoke.sh), against the stand-in images; the second is what CI runs.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "ollama_stack/stack/labels.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

std::string read_text(const std::string& relative) {
  std::ifstream in(std::string(OLLAMA_STACK_SOURCE_DIR) + "/" + relative);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The commands of the README's first fenced code block, each without its "# comment".
std::vector<std::string> first_screen_commands() {
  std::istringstream readme(read_text("README.md"));
  std::vector<std::string> commands;
  std::string line;
  bool inside = false;
  while (std::getline(readme, line)) {
    if (line.rfind("```", 0) == 0) {
      if (inside) break;
      inside = true;
      continue;
    }
    if (!inside) continue;
    const auto comment = line.find(" #");
    const std::string command = trim(comment == std::string::npos ? line : line.substr(0, comment));
    if (!command.empty()) commands.push_back(command);
  }
  return commands;
}

// The command .ci/run hands the process to: its `exec` line.
std::string ci_command() {
  std::istringstream script(read_text(".ci/run"));
  std::string line, command;
  while (std::getline(script, line))
    if (trim(line).rfind("exec ", 0) == 0) command = trim(trim(line).substr(5));
  return command;
}

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

TEST(ReadmeFirstScreen, HoldsSetUpAndRunThenTestAndCiRunsTheTestCommand) {
  const auto commands = first_screen_commands();
  ASSERT_EQ(commands.size(), 2u) << "README.md's first code block should hold exactly two commands";
  EXPECT_EQ(commands[0].rfind("./install.sh", 0), 0u) << commands[0];
  EXPECT_NE(commands[0].find("ollama-stack start"), std::string::npos) << commands[0];
  EXPECT_EQ(commands[1], "./tests/run.sh");
  EXPECT_EQ(ci_command(), commands[1]) << ".ci/run must run exactly the README's test command";
}

TEST(ReadmeFirstScreen, TheFirstCommandWorksVerbatimAsRootAndAsAUser) {
  REQUIRE_ENGINE();
  if (::geteuid() != 0) {
    if (in_ci()) FAIL() << "the README smoke test needs root (CI=true, so this is a failure)";
    GTEST_SKIP() << "needs root: a private mount namespace and a throwaway user";
  }
  const auto commands = first_screen_commands();
  ASSERT_FALSE(commands.empty());

  const std::string project = unique_name("osk-e2e-readme");
  TempDir work;
  RunOptions options;
  options.env = standin_stack_env(project);
  options.env["SMOKE_COMMAND"] = commands[0];
  options.env["SMOKE_SOURCE"] = OLLAMA_STACK_SOURCE_DIR;
  options.env["SMOKE_BINARY"] = OLLAMA_STACK_BINARY;
  options.env["SMOKE_WORK"] = work.path();
  options.unset_env = {"OLLAMA_STACK_HOME", "OLLAMA_STACK_BINARY"};
  options.timeout = std::chrono::seconds(280);
  const auto result = run_program(
      "/bin/bash", {std::string(OLLAMA_STACK_SOURCE_DIR) + "/tests/e2e/readme_smoke.sh"}, options);
  remove_labelled(stack::labels::kProject, project);
  EXPECT_EQ(result.exit_code, 0) << "stdout:\n" << result.out << "\nstderr:\n" << result.err;
}

}  // namespace
}  // namespace ollama_stack::e2e
