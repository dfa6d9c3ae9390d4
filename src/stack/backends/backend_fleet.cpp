#include "ollama_stack/stack/backends/backend_fleet.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/engine/curl_transport.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/health.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/stack/models/ollama_api.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/parallel.hpp"

namespace ollama_stack::stack {
namespace {

using namespace std::chrono_literals;

// The backend's lines beside the core's: "b2/ollama" never collides with the core's "ollama".
ProgressCallback prefixed(const ProgressCallback& progress, const std::string& name) {
  if (!progress) return {};
  return [progress, name](const ProgressUpdate& update) {
    ProgressUpdate copy = update;
    copy.task = "backend:" + name + ":" + update.task;
    copy.label = name + "/" + update.label;
    progress(copy);
  };
}

BackendOutcome outcome_of(const BackendConnection& connection) {
  BackendOutcome outcome;
  outcome.name = connection.record.name;
  outcome.engine = backend_engine_text(connection.record);
  outcome.webui_url = backend_webui_url(connection.record, connection.endpoint);
  return outcome;
}

// Runs `work`, turning what goes wrong into the outcome's state; only Ctrl-C goes through.
void classify(BackendOutcome& outcome, const std::function<void()>& work) {
  try {
    work();
  } catch (const Interrupted&) {
    throw;
  } catch (const engine::EngineError& error) {
    outcome.state = error.code() == ExitCode::engine_unreachable ? "unreachable" : "failed";
    outcome.message = error.what();
  } catch (const Error& error) {
    outcome.state = error.code() == ExitCode::unhealthy ? "unhealthy" : "failed";
    outcome.message = error.what();
  }
}

BackendOutcome start_one(const SessionOptions& core, const std::string& core_project,
                         const BackendRecord& backend, const BackendStartOptions& options) {
  BackendOutcome outcome;
  outcome.name = backend.name;
  outcome.engine = backend_engine_text(backend);
  classify(outcome, [&] {
    auto connection = connect_backend(backend, core);
    outcome = outcome_of(connection);
    auto& session = *connection.session;
    const auto& decision = session.platform();  // from its engine: unreachable shows here
    outcome.platform = to_string(decision.platform);
    auto project = backend_project(session.project().project, backend);
    compose::ApplyOptions apply;
    apply.plan.extra_labels = backend_labels(core_project, backend.name);
    apply.plan.pull_always = options.update;
    apply.progress = prefixed(options.progress, backend.name);
    apply.cancelled = options.cancelled;
    auto applied = compose::apply(*connection.client, project, apply);
    outcome.changed = applied.changed;
    if (options.wait) {
      try {
        wait_project_healthy(*connection.client, project.name, session.url_host(),
                             {options.timeout, apply.progress, options.cancelled});
      } catch (const Interrupted&) {
        leave_interrupted_wait(*connection.client, project.name, applied,
                               "backend " + backend.name);
      }
    }
    outcome.state = options.wait ? "healthy" : "started";
  });
  return outcome;
}

}  // namespace

BackendConnection connect_backend(const BackendRecord& backend, const SessionOptions& core) {
  BackendConnection connection;
  connection.record = backend;
  connection.endpoint = backend_endpoint(backend, core.env);
  connection.client = std::make_unique<engine::Client>(
      std::make_unique<engine::CurlTransport>(connection.endpoint));
  SessionOptions options = core;
  options.platform = "auto";
  connection.session = std::make_unique<Session>(*connection.client, options);
  return connection;
}

std::vector<BackendOutcome> start_backends(const SessionOptions& core,
                                           const std::string& core_project,
                                           const std::vector<BackendRecord>& backends,
                                           const BackendStartOptions& options) {
  std::vector<BackendOutcome> outcomes(backends.size());
  util::parallel_for_each(backends.size(), [&](size_t index) {
    outcomes[index] = start_one(core, core_project, backends[index], options);
  });
  return outcomes;
}

std::vector<BackendOutcome> stop_backends(const SessionOptions& core,
                                          const std::string& core_project,
                                          const std::vector<BackendRecord>& backends,
                                          const ProgressCallback& progress) {
  std::vector<BackendOutcome> outcomes(backends.size());
  util::parallel_for_each(backends.size(), [&](size_t index) {
    auto& outcome = outcomes[index];
    outcome.name = backends[index].name;
    outcome.engine = backend_engine_text(backends[index]);
    classify(outcome, [&] {
      auto connection = connect_backend(backends[index], core);
      outcome = outcome_of(connection);
      compose::DownOptions down;
      down.progress = prefixed(progress, backends[index].name);
      auto removed = compose::down(*connection.client,
                                   backend_project_name(core_project, backends[index].name), down);
      outcome.changed = !removed.removed_containers.empty();
      outcome.state = outcome.changed ? "stopped" : "not created";
    });
  });
  return outcomes;
}

bool record_webui_backends(const HomeLayout& home, const std::vector<BackendOutcome>& outcomes) {
  std::vector<std::string> urls;
  for (const auto& outcome : outcomes)
    if (outcome.state == "healthy" || outcome.state == "started") urls.push_back(outcome.webui_url);
  auto state = load_state(home.state_file());
  if (state.webui_backend_urls == urls) return false;
  state.webui_backend_urls = urls;
  save_state(home.state_file(), state);
  return true;
}

BackendRemoval remove_backend(Session& core, const std::string& name, bool remove_volumes,
                              const ProgressCallback& progress) {
  BackendRemoval removal;
  const auto backends = recorded_backends(core.home());
  auto found = std::find_if(backends.begin(), backends.end(),
                            [&](const BackendRecord& backend) { return backend.name == name; });
  if (found == backends.end())
    throw Error(ExitCode::usage, fmt::format("no backend is named {}", name),
                "`ollama-stack backends list` shows the recorded ones");
  removal.record = *found;
  const std::string project = backend_project_name(core.project_name(), name);
  try {
    auto connection = connect_backend(*found, core.options());
    removal.webui_url = backend_webui_url(*found, connection.endpoint);
    compose::DownOptions down;
    down.remove_volumes = remove_volumes;
    down.progress = prefixed(progress, name);
    removal.removed = compose::down(*connection.client, project, down);
  } catch (const engine::EngineError& error) {
    removal.unreachable = error.what();
  }
  forget_backend(core.home(), name);
  auto state = load_state(core.home().state_file());
  auto& urls = state.webui_backend_urls;
  if (auto it = std::find(urls.begin(), urls.end(), removal.webui_url); it != urls.end()) {
    urls.erase(it);
    save_state(core.home().state_file(), state);
    removal.webui_changed = true;
  }
  return removal;
}

bool webui_running(Session& core) {
  return !core.engine()
              .list_containers(compose::project_filter(core.project_name(), "webui"), false)
              .empty();
}

std::vector<BackendStatus> backends_status(const SessionOptions& core,
                                           const std::string& core_project,
                                           const std::vector<BackendRecord>& backends) {
  const auto wired = recorded_backend_urls(HomeLayout{core.home});
  std::vector<BackendStatus> statuses(backends.size());
  util::parallel_for_each(backends.size(), [&](size_t index) {
    const auto& backend = backends[index];
    auto& status = statuses[index];
    status.name = backend.name;
    status.engine = backend_engine_text(backend);
    status.gpus = backend.gpus;
    status.health = "unknown";
    try {
      auto connection = connect_backend(backend, core);
      status.webui_url = backend_webui_url(backend, connection.endpoint);
      status.client_url = backend_client_url(backend, connection.endpoint);
      status.in_webui = std::find(wired.begin(), wired.end(), status.webui_url) != wired.end();
      const auto containers = connection.client->list_containers(
          compose::project_filter(backend_project_name(core_project, backend.name)), true);
      status.reachable = true;
      if (containers.empty()) {
        status.state = "not created";
        status.health = "stopped";
        return;
      }
      const auto inspect = connection.client->inspect_container(containers.front().id);
      status.state = inspect.state.status;
      const auto report = assess_health(inspect,
                                        connection.session->url_host() == "localhost"
                                            ? "127.0.0.1"
                                            : connection.session->url_host(),
                                        1000ms);
      status.health = to_string(report.health);
      status.reason = report.reason;
      if (report.health != Health::healthy) return;
      OllamaApi api(status.client_url, 2s);
      for (const auto& model : api.ps()) status.loaded.push_back(model.name);
      for (const auto& model : api.tags()) status.models.push_back(model.name);
    } catch (const engine::EngineError& error) {
      status.state = "engine unreachable";
      status.reason = error.what();
    } catch (const Error& error) {
      status.reason = error.what();
    }
  });
  return statuses;
}

}  // namespace ollama_stack::stack
