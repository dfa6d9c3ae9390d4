#pragma once
// The command tree, wired in one explicit place, and the single place errors become exit codes.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "ollama_stack/cli/context.hpp"

namespace ollama_stack::cli {

// Parses argv, runs the chosen verb and returns the process exit code. Every error is printed
// once as "ollama-stack: error: <sentence>" (plus a hint line) on stderr, and as a JSON error
// document on stdout when the verb was asked for --json.
int run(const std::vector<std::string>& args, Context& context);

// Adds the global options and every verb to `app` (the one explicit list). run() uses it; tests
// walk the tree it builds (docs drift, completion).
void build_command_tree(CLI::App& app, Context& context);

}  // namespace ollama_stack::cli
