#pragma once
// Which compose files make up the stack on a platform, and loading them into the project model
// with the stack's variables (process environment > <home>/.env > compose defaults).
#include <filesystem>
#include <string>
#include <vector>

#include "ollama_stack/compose/load.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/platform.hpp"

namespace ollama_stack::stack {

struct ComposeSelection {
  std::vector<compose::ComposeSource> sources;  // merge order
  std::string working_dir;                      // relative paths in the files resolve here
};

// The base file, the platform's override (when it exists), then the user's override in the home.
// `compose_dir` "" = the files embedded in the binary. Throws ConfigError when a file named by
// the selection cannot be read.
ComposeSelection select_compose_files(Platform platform, const std::string& compose_dir, const HomeLayout& home);

struct StackProject {
  compose::Project project;
  std::vector<std::string> warnings;
  std::vector<std::string> files;  // paths of the sources, in merge order
  Platform platform = Platform::cpu;
};

// Reads <home>/.env, loads the selected files and adapts the project to the platform decision
// (platform_project.hpp). `process_env` may be null.
StackProject load_stack_project(const HomeLayout& home, const compose::VariableLookup& process_env,
                                const PlatformDecision& platform, const std::string& compose_dir,
                                const std::vector<std::string>& profiles = {});
// The same for a platform named without facts (GPUs requested the default way).
StackProject load_stack_project(const HomeLayout& home, const compose::VariableLookup& process_env,
                                Platform platform, const std::string& compose_dir,
                                const std::vector<std::string>& profiles = {});

}  // namespace ollama_stack::stack
