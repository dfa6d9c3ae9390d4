#pragma once
// Pieces shared by the verbs that change the stack (start, restart).
#include <CLI/CLI.hpp>

#include "ollama_stack/cli/context.hpp"
#include "ollama_stack/compose/project.hpp"

namespace ollama_stack::cli {

struct StartVerbOptions {
  std::string platform = "auto";
  bool update = false;
  bool no_wait = false;
  int timeout = 600;
  int lock_timeout = 120;
  bool json = false;
  std::vector<std::string> pull;  // models to pull once the stack is healthy
  bool no_extensions = false;  // skip the enabled extensions
  bool no_backends = false;    // skip the recorded backends (Open WebUI's list stays as it was)
};

void add_start_options(CLI::App& command, StartVerbOptions& options);
void run_start(Context& context, const StartVerbOptions& options, bool restart);

// Throws Error(failed) naming every published host port of `project` held by something other
// than this stack (and its owner where the OS shows it), before anything is created.
void refuse_port_conflicts(Context& context, engine::Client& client, const compose::Project& project);

}  // namespace ollama_stack::cli
