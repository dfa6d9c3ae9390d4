// Refusing a start whose host ports are taken, before anything is created.
#include <fmt/format.h>

#include "ollama_stack/stack/checks/port_conflicts.hpp"
#include "ollama_stack/util/error.hpp"
#include "stack_verbs.hpp"

namespace ollama_stack::cli {

void refuse_port_conflicts(Context&, engine::Client& client, const compose::Project& project) {
  auto conflicts = stack::find_port_conflicts(client, project);
  if (conflicts.empty()) return;
  std::string message = conflicts.front().message();
  for (size_t i = 1; i < conflicts.size(); ++i) message += "; " + conflicts[i].message();
  throw Error(ExitCode::failed, message + " (nothing was created)",
              "stop what holds the port, or choose another one in the home's .env (OLLAMA_PORT, WEBUI_PORT, "
              "MCP_PROXY_PORT)");
}

}  // namespace ollama_stack::cli
