#include "ollama_stack/stack/backends/backend_uninstall.hpp"

#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/backends/backend_fleet.hpp"

namespace ollama_stack::stack {

std::vector<BackendUninstall> uninstall_backends(Session& core, UninstallOptions options,
                                                 bool dry_run) {
  options.remove_config = false;  // the home is the core's
  std::vector<BackendUninstall> outcomes;
  for (const auto& backend : recorded_backends(core.home())) {
    BackendUninstall outcome;
    outcome.name = backend.name;
    outcome.engine = backend_engine_text(backend);
    try {
      auto connection = connect_backend(backend, core.options());
      // On the core's own engine the core's uninstall finds it by the same label.
      if (connection.client->describe() == core.engine().describe()) continue;
      outcome.plan = plan_uninstall(*connection.session, options);
      if (!dry_run)
        outcome.result = carry_out_uninstall(*connection.session, outcome.plan, options);
    } catch (const engine::EngineError& error) {
      outcome.unreachable = error.what();
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

}  // namespace ollama_stack::stack
