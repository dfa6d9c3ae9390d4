#pragma once
// `uninstall` on the backends' engines: the same installation label, found and removed there
// (never the home's config, which the core's uninstall handles). An unreachable engine is named,
// not skipped silently.
#include <string>
#include <vector>

#include "ollama_stack/stack/uninstall.hpp"

namespace ollama_stack::stack {

struct BackendUninstall {
  std::string name;
  std::string engine;
  UninstallPlan plan;
  UninstallResult result;
  std::string unreachable;  // why its engine could not be reached ("" when it was)
};

// Plans (dry_run) or carries out the removal on every recorded backend's engine other than the
// core's (there the core's own uninstall finds the backend by the same label).
std::vector<BackendUninstall> uninstall_backends(Session& core, UninstallOptions options,
                                                 bool dry_run);

}  // namespace ollama_stack::stack
