#include "ollama_stack/stack/lifecycle.hpp"

#include <fmt/format.h>

#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/stack/extensions/extension_mcp.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/state_file.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/mcp/mcp_config.hpp"
#include "ollama_stack/stack/mcp/mcp_volume.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/poll.hpp"

namespace ollama_stack::stack {
namespace {

using namespace std::chrono_literals;
using State = ProgressUpdate::State;

void report(const ProgressCallback& progress, const std::string& service, State state,
            const std::string& message) {
  if (progress) progress({"service:" + service, service, state, message});
}

}  // namespace

std::map<std::string, std::string> core_labels(const std::string& project_name) {
  return {{labels::kInstallation, project_name}, {labels::kComponent, "core"}};
}

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
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + options.timeout;
  const std::string host = url_host == "localhost" ? "127.0.0.1" : url_host;
  struct Waiting {
    std::string id;
    HealthReport health;
    std::string log_line;  // the latest, trimmed
    std::chrono::steady_clock::time_point log_read{};
    std::string shown;  // the message last reported
  };
  // By service, or "<service>-<n>" for each replica of a replicated service.
  std::map<std::string, Waiting> pending;
  const auto containers = client.list_containers(compose::project_filter(project_name), true);
  std::map<std::string, int> per_service;
  for (const auto& container : containers)
    if (container.labels.count(labels::kService) != 0) ++per_service[container.labels.at(labels::kService)];
  for (const auto& container : containers) {
    if (container.labels.count(labels::kService) == 0) continue;
    const std::string& service = container.labels.at(labels::kService);
    const auto number = container.labels.find(labels::kContainerNumber);
    const bool replicated = per_service[service] > 1 && number != container.labels.end();
    pending[replicated ? service + "-" + number->second : service].id = container.id;
  }
  // Stand-ins and small services answer within milliseconds of starting, big ones take seconds
  // (Open WebUI's first start minutes): poll soon, then back off to 200 ms; read each waiting
  // service's latest log line once a second, to show what it is doing.
  const auto step = [&] {
    const auto now = std::chrono::steady_clock::now();
    for (auto it = pending.begin(); it != pending.end();) {
      auto& [service, waiting] = *it;
      waiting.health = assess_health(client.inspect_container(waiting.id), host, 1000ms);
      if (waiting.health.health == Health::healthy) {
        report(options.progress, service, State::done, "healthy");
        it = pending.erase(it);
        continue;
      }
      if (waiting.health.health == Health::stopped) {
        std::string tail;
        for (const auto& line : last_log_lines(client, waiting.id, 10)) tail += "\n    " + line;
        report(options.progress, service, State::failed, waiting.health.reason);
        throw Error(
            ExitCode::unhealthy,
            fmt::format("service {} did not become healthy: {}{}", service, waiting.health.reason,
                        tail.empty() ? "" : "; its last log lines:" + tail),
            fmt::format("see `ollama-stack logs {}` for more", service));
      }
      if (now - waiting.log_read >= 1s && now - started >= 1s) {
        const auto lines = last_log_lines(client, waiting.id, 1);
        if (!lines.empty()) waiting.log_line = trim_log_line(lines.back());
        waiting.log_read = now;
      }
      const std::string message = waiting_message(waiting.health, waiting.log_line);
      if (message != waiting.shown) report(options.progress, service, State::running, message);
      waiting.shown = message;
      ++it;
    }
    return pending.empty();
  };
  if (!util::wait_until(step, deadline, options.cancelled, {10ms, 200ms})) {
    const auto& [service, waiting] = *pending.begin();
    std::string tail;
    for (const auto& line : last_log_lines(client, waiting.id, 10)) tail += "\n    " + line;
    std::string others;
    for (const auto& [other, unused] : pending)
      if (other != service) others += (others.empty() ? "" : ", ") + other;
    report(options.progress, service, State::failed,
           "timed out: " + waiting_message(waiting.health, waiting.log_line));
    throw Error(
        ExitCode::unhealthy,
        fmt::format("service {} did not become healthy within {} s: it was still {} ({}){}{}{}",
                    service, options.timeout.count(), to_string(waiting.health.health),
                    waiting.health.reason.empty() ? "no reason given" : waiting.health.reason,
                    waiting.log_line.empty()
                        ? ""
                        : fmt::format("; its latest log line: \"{}\"", waiting.log_line),
                    others.empty() ? "" : fmt::format("; still waiting too: {}", others),
                    tail.empty() ? "" : "; its last log lines:" + tail),
        fmt::format(
            "its container keeps running. A first start of Open WebUI runs database migrations "
            "and "
            "downloads models, which can take minutes on a slow line: give it more time with "
            "`--timeout {}` (running the same command again waits without recreating anything), "
            "and see `ollama-stack logs {}`",
            std::max<long long>(options.timeout.count() * 2, 1200), service));
  }
}

std::string trim_log_line(std::string_view line) {
  constexpr size_t kMax = 160;
  std::string out;
  for (char c : line) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out.erase(
      0, out.find_first_not_of(' ') == std::string::npos ? out.size() : out.find_first_not_of(' '));
  if (out.size() > kMax) {
    out.resize(kMax);
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
      out.pop_back();  // whole UTF-8
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80) != 0) out.pop_back();
    out += "...";
  }
  return out;
}

std::string waiting_message(const HealthReport& health, const std::string& log_line) {
  std::string message = health.reason.empty() ? "waiting" : health.reason;
  if (!log_line.empty()) message += " | log: " + log_line;
  return message;
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
  for (const auto& container :
       client.list_containers(compose::project_filter(project_name), false)) {
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

  // The proxy's config goes into its volume through the engine before the proxy is created.
  bool mcp_pushed = false;
  if (auto target = mcp_volume_target(project, core_labels(project.name))) {
    const auto path = session.home().mcp_config();
    const auto config = read_mcp_config(path);
    if (!config)
      throw ConfigError(path.string() + " does not exist (the MCP proxy's config)",
                        "run `ollama-stack install` (or `ollama-stack check --fix`) to write it");
    require_mcp_servers((*config)["mcpServers"], path);
    mcp_pushed =
        push_mcp_config(session.engine(), *target, mcp_config_text(*config), options.progress);
  }

  compose::ApplyOptions apply_options;
  apply_options.plan.extra_labels = core_labels(loaded.project.name);
  apply_options.plan.pull_always = options.update;
  apply_options.progress = options.progress;
  apply_options.cancelled = options.cancelled;
  result.applied = compose::apply(session.engine(), project, apply_options);
  result.changed = result.applied.changed;
  for (const auto& service : result.applied.services)
    if (mcp_pushed && service.service == kMcpProxyService &&
        service.action == compose::ServiceAction::none && !service.container_id.empty()) {
      // A proxy that kept running reads its config only when it starts.
      report(options.progress, kMcpProxyService, State::running,
             "restarting for the new MCP config");
      session.engine().stop_container(service.container_id, 5);
      session.engine().start_container(service.container_id);
      result.changed = true;
    }

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
  last.platform_record = record_of(decision);
  for (const auto& [name, service] : loaded.project.services) last.services.push_back(name);
  state.last_start = last;
  save_state(session.home().state_file(), state);
  result.urls = service_urls(session.engine(), loaded.project.name, session.url_host());
  return result;
}

StopResult stop_stack(Session& session, const StopOptions& options) {
  StopResult result;
  const std::string name = session.project_name();
  result.was_running =
      !session.engine().list_containers(compose::project_filter(name), true).empty();
  compose::DownOptions down_options;
  down_options.stop_timeout_seconds = options.timeout_seconds;
  down_options.progress = options.progress;
  result.removed = compose::down(session.engine(), name, down_options);
  return result;
}

}  // namespace ollama_stack::stack
