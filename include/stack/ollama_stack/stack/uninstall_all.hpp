#pragma once
// `uninstall` of the whole installation in its one safe order: lock, plan (the core's and every
// backend's), show, ask about a backup, confirm, back up, remove the backends' part then the
// core's. The person's part (showing, asking) comes in as callbacks: nothing here prints.
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "ollama_stack/stack/backends/backend_uninstall.hpp"
#include "ollama_stack/stack/uninstall.hpp"
#include "ollama_stack/util/file_lock.hpp"

namespace ollama_stack::stack {

struct UninstallSteps {
  std::function<util::FileLock()> lock;  // takes the stack lock (as long as the verb waits)
  // The plans, before any question.
  std::function<void(const UninstallPlan&, const std::vector<BackendUninstall>&)> show;
  // Whether to back the volumes up first; asked only when the plan removes volumes.
  std::function<bool(const UninstallPlan&)> want_backup;
  std::function<void(const UninstallPlan&)> confirm;  // throws to refuse: nothing is removed
  std::function<ProgressCallback()> begin;            // the work starts: where progress goes
  std::function<void(const std::filesystem::path&)> backed_up;  // written and verified
};

struct UninstallOutcome {
  UninstallPlan plan;
  std::vector<BackendUninstall> backends;  // carried out (or planned, when nothing was to remove)
  UninstallResult result;  // the core's, with every backend's failures (and unreachable engines)
  std::optional<std::filesystem::path> backup;
  bool nothing = false;  // nothing to remove here nor on any backend's engine: nothing asked
};

// Planned under the lock: a `start` running now may still be creating what must go, and it reads
// the home (the project's name) that this removes. A home made only to hold the lock is removed.
UninstallOutcome uninstall_installation(Session& session, UninstallOptions options,
                                        const UninstallSteps& steps);

}  // namespace ollama_stack::stack
