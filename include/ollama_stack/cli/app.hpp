#pragma once
// The command tree, wired in one explicit place, and the single place errors become exit codes.
#include <string>
#include <vector>

#include "ollama_stack/cli/context.hpp"

namespace ollama_stack::cli {

// Parses argv, runs the chosen verb and returns the process exit code. Every error is printed
// once as "ollama-stack: error: <sentence>" (plus a hint line) on stderr, and as a JSON error
// document on stdout when the verb was asked for --json.
int run(const std::vector<std::string>& args, Context& context);

}  // namespace ollama_stack::cli
