#include "ollama_stack/stack/lifecycle.hpp"

#include <fmt/format.h>

#include <thread>

#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/stack/home.hpp"
#include "ollama_stack/stack/state_file.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using namespace std::chrono_literals;
namespace labels = compose::labels;
using State = ProgressUpdate::State;

engine::Filters project_filter(const std::string& project_name) {
  return {{"label", {std::string(labels::kProject) + "=" + project_name}}};
}

void report(const ProgressCallback& progress, const std::string& service, State state, const std::string& message) {
  if (progress) progress({"service:" + service, service, state, message});
}

}  // namespace

void leave_interrupted_wait(engine::Client& client, const std::string& project,
                            const compose::ApplyResult& applied, const std::string& what) {
  const std::string when = "interrupted while waiting for the services to become healthy";
  std::vector<std::string> replaced;
  bool created_everything = !applied.services.empty();
  for (const auto& service : applied.services) {
    created_everything = created_everything && service.action == compose::ServiceAction::create;
    if (service.action == compose::ServiceAction::recreate) replaced.push_back(service.service);
  }
  if (created_everything) {
    try {
      compose::down(client, project, {});
    } catch (const Error& error) {
      throw Interrupted(
          fmt::format("{}; removing {} this start created failed: {}", when, what, error.what()),
          "run `ollama-stack stop` to remove what is left");
    }
    throw Interrupted(fmt::format("{} ({} this start created was removed)", when, what));
  }
  if (replaced.empty())
    throw Interrupted(fmt::format("{}; {} was left as it is", when, what),
                      "`ollama-stack status` shows its state; `ollama-stack stop` stops it");
  std::string names;
  for (const auto& service : replaced) names += (names.empty() ? "" : ", ") + service;
  throw Interrupted(fmt::format("{}; the containers this start recreated ({}) were left running on their new "
                                "configuration: their old containers are gone",
                                when, names),
                    "`ollama-stack status` shows whether they became healthy; `ollama-stack stop` stops the stack");
}

void wait_project_healthy(engine::Client& client, const std::string& project_name, const std::string& url_host,
                          const HealthWaitOptions& options) {
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  const std::string host = url_host == "localhost" ? "127.0.0.1" : url_host;
  const auto containers = client.list_containers(project_filter(project_name), true);
  std::map<std::string, std::string> pending;  // service -> container id
  for (const auto& container : containers)
    if (container.labels.count(labels::kService) != 0) pending[container.labels.at(labels::kService)] = container.id;
  std::map<std::string, HealthReport> last;
  // Stand-ins and small services answer within milliseconds of starting, big ones take seconds:
  // poll soon, then back off to 200 ms so a slow start costs few engine calls.
  auto pause = 10ms;
  while (!pending.empty()) {
    if (options.cancelled && options.cancelled()) throw Interrupted();
    for (auto it = pending.begin(); it != pending.end();) {
      const auto inspected = client.inspect_container(it->second);
      auto health = assess_health(inspected, host, 1000ms);
      if (health.health == Health::healthy) {
        report(options.progress, it->first, State::done, "healthy");
        it = pending.erase(it);
        continue;
      }
      if (health.health == Health::stopped) {
        std::string tail;
        for (const auto& line : last_log_lines(client, it->second, 10)) tail += "\n    " + line;
        report(options.progress, it->first, State::failed, health.reason);
        throw Error(ExitCode::unhealthy,
                    fmt::format("service {} did not become healthy: {}{}", it->first, health.reason,
                                tail.empty() ? "" : "; its last log lines:" + tail),
                    fmt::format("see `ollama-stack logs {}` for more", it->first));
      }
      if (last[it->first].reason != health.reason || last[it->first].health != health.health)
        report(options.progress, it->first, State::running, health.reason.empty() ? "waiting" : health.reason);
      last[it->first] = health;
      ++it;
    }
    if (pending.empty()) break;
    if (std::chrono::steady_clock::now() > deadline) {
      const auto& [service, id] = *pending.begin();
      std::string tail;
      for (const auto& line : last_log_lines(client, id, 10)) tail += "\n    " + line;
      const auto& report_of = last[service];
      throw Error(ExitCode::unhealthy,
                  fmt::format("service {} did not become healthy within {} s: {}{}", service, options.timeout.count(),
                              report_of.reason.empty() ? to_string(report_of.health) : report_of.reason,
                              tail.empty() ? "" : "; its last log lines:" + tail),
                  fmt::format("see `ollama-stack logs {}`, or allow more time with --timeout", service));
    }
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::milliseconds>(pause * 2, 200ms);
  }
}

util::FileLock lock_stack(const HomeLayout& home, std::string_view verb, std::chrono::milliseconds timeout,
                          const util::FileLock::OnWait& on_wait) {
  util::FileLock lock(home.lock_file(), /*create_directory=*/true);
  lock.acquire(verb, timeout, on_wait);
  return lock;
}

std::vector<std::string> last_log_lines(engine::Client& client, const std::string& container_id, int lines) {
  std::vector<std::string> out;
  try {
    const bool tty = client.inspect_container(container_id).tty;
    engine::LogOptions log_options;
    log_options.tail = std::to_string(lines);
    client.logs(container_id, log_options, tty, [&](engine::LogStream, std::string_view line) {
      out.emplace_back(line);
      return true;
    });
  } catch (const std::exception&) {
    // The logs are a courtesy in an error message; their absence must not hide the error.
  }
  return out;
}

std::vector<ServiceUrl> service_urls(engine::Client& client, const std::string& project_name, const std::string& host) {
  std::vector<ServiceUrl> urls;
  for (const auto& container : client.list_containers(project_filter(project_name), false)) {
    auto probe = probe_for(container.labels, container.ports, host);
    if (probe.host_port == 0) continue;
    auto title = container.labels.count(kTitleLabel) ? container.labels.at(kTitleLabel) : container.name;
    urls.push_back({container.labels.count(labels::kService) ? container.labels.at(labels::kService) : container.name,
                    title, fmt::format("http://{}:{}", host, probe.host_port)});
  }
  std::sort(urls.begin(), urls.end(), [](const auto& a, const auto& b) { return a.service < b.service; });
  return urls;
}

StartResult start_stack(Session& session, const StartOptions& options) {
  StartResult result;
  // A corrupt state file stops the start before anything is created (and is kept as it is).
  auto state = load_state(session.home().state_file());
  const auto& decision = session.platform();
  result.platform = decision.platform;
  result.warnings = decision.warnings;
  if (decision.platform == Platform::apple) {
    auto status = http_get_status("http://127.0.0.1:11434/api/version", 2000ms);
    if (!status || *status != 200)
      throw Error(ExitCode::failed, "the native Ollama app does not answer on localhost:11434",
                  "start it (open the Ollama app, or run `ollama serve`), then run `ollama-stack start` again");
  }
  const auto& loaded = session.project();
  for (const auto& warning : loaded.warnings) result.warnings.push_back(warning);
  compose::Project project = loaded.project;
  for (const auto& [service, image] : options.image_overrides)
    if (auto it = project.services.find(service); it != project.services.end()) it->second.image = image;
  if (options.preflight) options.preflight(project);

  compose::ApplyOptions apply_options;
  apply_options.plan.extra_labels = {{labels::kInstallation, loaded.project.name}, {labels::kComponent, "core"}};
  apply_options.plan.pull_always = options.update;
  apply_options.progress = options.progress;
  apply_options.cancelled = options.cancelled;
  result.applied = compose::apply(session.engine(), project, apply_options);
  result.changed = result.applied.changed;

  if (options.wait) {
    try {
      wait_project_healthy(session.engine(), loaded.project.name, session.url_host(),
                           {options.timeout, options.progress, options.cancelled});
    } catch (const Interrupted&) {
      leave_interrupted_wait(session.engine(), loaded.project.name, result.applied, "the stack");
    }
  }
  state.platform = decision.platform;
  LastStart last;
  last.at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  last.platform = decision.platform;
  for (const auto& [name, service] : loaded.project.services) last.services.push_back(name);
  state.last_start = last;
  save_state(session.home().state_file(), state);
  result.urls = service_urls(session.engine(), loaded.project.name, session.url_host());
  return result;
}

StopResult stop_stack(Session& session, const StopOptions& options) {
  StopResult result;
  const std::string name = session.project_name();
  result.was_running = !session.engine().list_containers(project_filter(name), true).empty();
  compose::DownOptions down_options;
  down_options.stop_timeout_seconds = options.timeout_seconds;
  down_options.progress = options.progress;
  result.removed = compose::down(session.engine(), name, down_options);
  return result;
}

}  // namespace ollama_stack::stack
