// The `backends` group: registration, and the rendering shared with start, stop and status.
#include <fmt/format.h>

#include <algorithm>

#include "ollama_stack/cli/backend_verbs.hpp"
#include "ollama_stack/cli/table.hpp"
#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/util/error.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {

void register_backends_add(CLI::App& group, Context& context);
void register_backends_list(CLI::App& group, Context& context);
void register_backends_rm(CLI::App& group, Context& context);

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

nlohmann::json backend_outcomes_json(const std::vector<stack::BackendOutcome>& outcomes) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& outcome : outcomes)
    list.push_back({{"name", outcome.name},
                    {"engine", outcome.engine},
                    {"url", outcome.webui_url},
                    {"state", outcome.state},
                    {"message", outcome.message},
                    {"platform", outcome.platform.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(outcome.platform)},
                    {"changed", outcome.changed}});
  return list;
}

void render_backend_outcomes(Context& context, const std::vector<stack::BackendOutcome>& outcomes) {
  Style style(context.caps_out());
  for (const auto& outcome : outcomes) {
    const std::string state = outcome.ok() || outcome.state == "started"
                                  ? style.green(outcome.state)
                                  : style.red(outcome.state);
    context.out() << fmt::format("  backend {} ({}): {}{}\n", outcome.name, outcome.engine, state,
                                 outcome.webui_url.empty() ? "" : ", " + outcome.webui_url);
  }
}

void fail_on_backends(Context& context, const std::vector<stack::BackendOutcome>& outcomes) {
  std::vector<std::string> failed;
  for (const auto& outcome : outcomes)
    if (!outcome.ok() && outcome.state != "started")
      failed.push_back(fmt::format("backend {} on {} is {}: {}", outcome.name, outcome.engine,
                                   outcome.state, outcome.message));
  if (failed.empty()) return;
  context.json = false;  // the verb's document is out; the error goes to stderr only
  std::string joined;
  for (const auto& line : failed) joined += (joined.empty() ? "" : "; ") + line;
  throw Error(ExitCode::unhealthy, joined + " (left out of Open WebUI's list; the rest is running)",
              "fix that engine (`ollama-stack check` tests each one) and run `ollama-stack start` "
              "again, or `ollama-stack backends rm NAME` to drop it");
}

std::vector<PullTarget> backend_pull_targets(stack::Session& session,
                                             const std::vector<std::string>& names, bool all) {
  const auto backends = stack::recorded_backends(session.home());
  for (const auto& name : names)
    if (name != "core" && std::none_of(backends.begin(), backends.end(),
                                       [&](const auto& backend) { return backend.name == name; }))
      throw Error(ExitCode::usage, fmt::format("no backend is named {}", name),
                  "`ollama-stack backends list` shows them; `core` is the core's Ollama");
  std::vector<PullTarget> targets;
  for (const auto& backend : backends) {
    if (!all && !names.empty() &&
        std::find(names.begin(), names.end(), backend.name) == names.end())
      continue;
    PullTarget target{backend.name, "", ""};
    try {
      auto connection = stack::connect_backend(backend, session.options());
      target.url = stack::backend_client_url(backend, connection.endpoint);
      // Its engine answers and its Ollama runs there, or the pull has nowhere to go.
      connection.client->ping();
    } catch (const Error& error) {
      target.unreachable = error.what();
    }
    targets.push_back(std::move(target));
  }
  return targets;
}

nlohmann::json backend_statuses_json(const std::vector<stack::BackendStatus>& statuses) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& status : statuses)
    list.push_back(
        {{"name", status.name},
         {"engine", status.engine},
         {"engine_reachable", status.reachable},
         {"state", status.state},
         {"health", status.health},
         {"reason", status.reason},
         {"url", status.webui_url},
         {"client_url", status.client_url},
         {"in_webui", status.in_webui},
         {"gpus", status.gpus.empty() ? nlohmann::json(nullptr) : nlohmann::json(status.gpus)},
         {"models", status.models},
         {"loaded_models", status.loaded}});
  return list;
}

std::string render_backend_statuses(Context& context,
                                    const std::vector<stack::BackendStatus>& statuses) {
  if (statuses.empty()) return "";
  const auto caps = context.caps_out();
  Style style(caps);
  Table table({{"BACKEND"}, {"ENGINE"}, {"STATE"}, {"HEALTH"}, {"GPUS"}, {"LOADED"}, {"URL"}});
  for (const auto& status : statuses) {
    const std::string health =
        status.healthy() ? style.green(status.health) : style.red(status.health);
    table.add_row({status.name, status.engine, status.state, health,
                   status.gpus.empty() ? "-" : status.gpus,
                   status.loaded.empty() ? "-" : join(status.loaded),
                   status.webui_url.empty() ? "-" : status.webui_url});
  }
  std::ostringstream out;
  out << "\n";
  table.render(out, caps);
  for (const auto& status : statuses)
    if (!status.healthy() && !status.reason.empty())
      out << fmt::format("backend {}: {}\n", status.name, status.reason);
  return out.str();
}

void register_backends(CLI::App& app, Context& context) {
  auto* group = app.add_subcommand(
      "backends", "More Ollamas on other engines or GPUs behind the one Open WebUI");
  group->require_subcommand(1);
  register_backends_add(*group, context);
  register_backends_list(*group, context);
  register_backends_rm(*group, context);
}

}  // namespace ollama_stack::cli
