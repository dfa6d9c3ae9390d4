#pragma once
// Shell completion answered by the binary itself, so it never drifts from the command tree: the
// scripts of completion_script() (bash, zsh, fish) only pass the words of the command line to the
// hidden verb `ollama-stack __complete -- WORD...` and offer what it prints. complete_words()
// answers from completion_model(), the walk of the live CLI11 tree; service and extension names
// come from CompletionSources (silently nothing when they fail).
#include <CLI/CLI.hpp>
#include <functional>
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

// Where the names offered for SERVICE... and EXTENSION... arguments come from.
struct CompletionSources {
  std::function<std::vector<std::string>()> services;
  std::function<std::vector<std::string>()> extensions;
};

// What `__complete` prints as the first and only line when the word is a directory (the value of
// --home, --compose-dir): the shell completes it from the file system.
inline constexpr std::string_view kCompleteDirectories = ":directories";

// The candidates for the last of `words` (the words after the program name; the last one is the
// word being completed, "" for a new one), those that start with it, in the tree's order.
std::vector<std::string> complete_words(const CompletionModel& model,
                                        const std::vector<std::string>& words,
                                        const CompletionSources& sources);

inline constexpr std::string_view kCompletionShells[] = {"bash", "zsh", "fish"};

// The script for `shell` ("bash", "zsh" or "fish"); `program` is the command name completed.
std::string completion_script(std::string_view shell, const std::string& program = "ollama-stack");

}  // namespace ollama_stack::cli
