#include "ollama_stack/stack/uninstall_all.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ollama_stack/stack/backup/backup.hpp"

namespace ollama_stack::stack {

UninstallOutcome uninstall_installation(Session& session, UninstallOptions options,
                                        const UninstallSteps& steps) {
  const bool had_home = std::filesystem::exists(session.home().root);
  auto lock = steps.lock();
  UninstallOutcome out;
  out.plan = plan_uninstall(session, options);
  out.backends = uninstall_backends(session, options, /*dry_run=*/true);
  steps.show(out.plan, out.backends);  // what goes on their engines too, before the question
  // Nothing here and nothing on a backend's engine (an unreachable one is reported below).
  out.nothing = out.plan.empty() &&
                std::all_of(out.backends.begin(), out.backends.end(), [](const auto& backend) {
                  return backend.plan.empty() && backend.unreachable.empty();
                });
  if (out.nothing) {
    if (!had_home) remove_empty_home(session.home());  // made only to hold the lock
    return out;
  }
  const bool backup = !out.plan.volumes.empty() && steps.want_backup(out.plan);
  steps.confirm(out.plan);
  options.progress = steps.begin();
  if (backup) {
    BackupOptions backup_options;
    backup_options.include_volumes = true;
    backup_options.compress = true;
    backup_options.progress = options.progress;
    backup_options.cancelled = options.cancelled;
    out.backup = create_backup(session, backup_options).path;
    steps.backed_up(*out.backup);
  }
  // The backends first: the core's uninstall may remove the state file that records them.
  out.backends = uninstall_backends(session, options, /*dry_run=*/false);
  out.result = carry_out_uninstall(session, out.plan, options);
  for (const auto& backend : out.backends) {
    for (const auto& failure : backend.result.failures)
      out.result.failures.push_back(backend.name + ": " + failure);
    if (!backend.unreachable.empty())
      out.result.failures.push_back(
          fmt::format("backend {}: its engine ({}) could not be reached: {}", backend.name,
                      backend.engine, backend.unreachable));
  }
  if (!had_home) remove_empty_home(session.home());
  return out;
}

}  // namespace ollama_stack::stack
