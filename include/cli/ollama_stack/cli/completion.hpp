#pragma once
// Shell completion generated from the CLI11 command tree itself, so it never drifts from the
// binary: completion_model() walks the tree, completion_script() renders the model for bash, zsh
// or fish. Service names come at completion time from `ollama-stack config --services`, extension
// names from `ollama-stack extensions list --json` (silently nothing when either fails).
#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ollama_stack::cli {

struct CompletionNode {
  enum class Args { none, services, extensions, choices };
  std::string path;                      // "" for the root, "logs", "extensions install"
  std::vector<std::string> subcommands;  // names of the direct subcommands
  std::vector<std::string> flags;  // every option name it accepts, globals included: "--json", "-f"
  Args args = Args::none;          // what its positional arguments are
  std::vector<std::string> arg_choices;  // Args::choices: the fixed words
};

struct CompletionModel {
  std::vector<CompletionNode> nodes;                               // root first, then depth-first
  std::vector<std::string> value_options;                          // options that take a value
  std::map<std::string, std::vector<std::string>> option_choices;  // "--platform" -> cpu, ...
  std::vector<std::string> directory_options;                      // "--home", "--compose-dir"
};

// Walks `root` (hidden options and subcommands are left out).
CompletionModel completion_model(const CLI::App& root);

inline constexpr std::string_view kCompletionShells[] = {"bash", "zsh", "fish"};

// The script for `shell` ("bash", "zsh" or "fish"); `program` is the command name completed.
std::string completion_script(const CompletionModel& model, std::string_view shell,
                              const std::string& program = "ollama-stack");

}  // namespace ollama_stack::cli
