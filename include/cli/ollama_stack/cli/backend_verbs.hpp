#pragma once
// The `backends` group (src/cli/backends/) and what start, stop and status share with it: the
// fleet's outcomes and states rendered, and the one error that names every backend left out.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ollama_stack/cli/context.hpp"
#include "ollama_stack/stack/backends/backend_fleet.hpp"

namespace ollama_stack::cli {

nlohmann::json backend_outcomes_json(const std::vector<stack::BackendOutcome>& outcomes);
// One line per backend ("backend b2 (tcp://…): healthy, http://…").
void render_backend_outcomes(Context& context, const std::vector<stack::BackendOutcome>& outcomes);
// Throws Error(unhealthy) naming every backend whose outcome is not ok (after the verb's output).
void fail_on_backends(Context& context, const std::vector<stack::BackendOutcome>& outcomes);

// One Ollama a models verb acts on: "core" or a backend's name, and where this machine reaches it.
struct PullTarget {
  std::string name;
  std::string url;
  std::string unreachable;  // why its engine could not be reached ("" when it was)
};
// The recorded backends named in `names` ("core" skipped), or all of them when `names` is empty
// or `all`; throws Error(usage) for a name no backend has.
std::vector<PullTarget> backend_pull_targets(stack::Session& session,
                                             const std::vector<std::string>& names, bool all);

nlohmann::json backend_statuses_json(const std::vector<stack::BackendStatus>& statuses);
// The BACKEND table ("" when there is no backend), with a blank line before it.
std::string render_backend_statuses(Context& context,
                                    const std::vector<stack::BackendStatus>& statuses);

}  // namespace ollama_stack::cli
