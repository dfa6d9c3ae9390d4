#pragma once
// `check` for the fleet: per backend, whether its engine answers, whether Open WebUI reaches its
// port from inside its container, and a warning when it listens beyond loopback (Ollama has no
// authentication).
#include <string>
#include <vector>

#include "ollama_stack/stack/backends/backends.hpp"
#include "ollama_stack/stack/checks/checks.hpp"

namespace ollama_stack::stack {

// The exposure warning for a backend's bind address (pure).
CheckResult evaluate_backend_exposure(const BackendRecord& backend);

// Every recorded backend's checks (ids "backend.<name>.engine", ".webui", ".exposure"); none
// without backends. A state file that cannot be read is one failed "backends" check.
std::vector<CheckResult> check_backends(Session& core, const std::string& core_project);

}  // namespace ollama_stack::stack
