#include "ollama_stack/stack/status.hpp"

#include <fmt/format.h>

#include <set>
#include <thread>
#include <tuple>

#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/engine/cgroup_stats.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/parallel.hpp"
#include "ollama_stack/util/timestamp.hpp"

namespace ollama_stack::stack {
namespace {


// CPU and memory over `window`: from the cgroup files when the engine runs on this host (at once),
// else from two samples of the engine's stats endpoint (its collector ticks once a second, so
// this can take that long). nullopt when the container stopped in between.
std::optional<engine::ResourceUsage> sample_usage(engine::Client& client, const engine::ContainerInspect& container,
                                                  std::chrono::milliseconds window) {
  if (auto before = engine::read_cgroup_stats(container.state.pid, container.id)) {
    std::this_thread::sleep_for(window);
    if (auto after = engine::read_cgroup_stats(container.state.pid, container.id))
      return engine::compute_usage(*before, *after);
    return std::nullopt;
  }
  try {
    auto before = client.stats_once(container.id);
    std::this_thread::sleep_for(window);
    return engine::compute_usage(before, client.stats_once(container.id));
  } catch (const engine::EngineError&) {
    return std::nullopt;  // stopped between the calls: no figures, not an error
  }
}

ServiceStatus describe(engine::Client& client, const engine::ContainerSummary& summary, const std::string& host,
                       const StatusOptions& options) {
  ServiceStatus status;
  status.name = summary.labels.count(labels::kService) ? summary.labels.at(labels::kService) : summary.name;
  status.container = summary.name;
  if (auto number = summary.labels.find(labels::kContainerNumber); number != summary.labels.end()) {
    try {
      status.replica = std::stoi(number->second);
    } catch (const std::exception&) {
      status.replica = 0;  // a label that is not a number: shown as unknown
    }
  }
  status.image = summary.image;
  status.title = summary.labels.count(kTitleLabel) ? summary.labels.at(kTitleLabel) : status.name;
  for (const auto& port : summary.ports)
    if (port.public_port != 0)
      status.ports.push_back({port.ip, port.public_port, port.private_port, port.type});

  const auto inspected = client.inspect_container(summary.id);
  status.state = inspected.state.status;
  auto health = assess_health(inspected, host == "localhost" ? "127.0.0.1" : host);
  status.health = to_string(health.health);
  status.reason = health.reason;
  auto probe = probe_for(inspected.labels, inspected.ports, host);
  if (probe.host_port != 0) status.url = fmt::format("http://{}:{}", host, probe.host_port);
  if (inspected.state.running) {
    if (auto started = util::parse_rfc3339(inspected.state.started_at)) {
      auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
      status.uptime_seconds = (now - *started).count();
    }
  }
  if (options.stats && inspected.state.running) {
    if (auto usage = sample_usage(client, inspected, options.cpu_window)) {
      status.cpu_percent = usage->cpu_percent;
      status.memory_bytes = usage->memory_used;
      status.memory_limit_bytes = usage->memory_limit;
    }
  }
  return status;
}

}  // namespace

StackStatus stack_status(Session& session, const StatusOptions& options) {
  StackStatus result;
  auto& client = session.engine();
  std::vector<std::string> defined;  // services of the compose files, when they load
  try {
    const auto& project = session.project().project;
    result.project = project.name;
    for (const auto& [name, service] : project.services) defined.push_back(name);
  } catch (const ConfigError& error) {
    result.project = session.project_name();
    result.warnings.push_back(std::string("the compose files could not be loaded: ") + error.what());
  }
  const auto containers = client.list_containers(compose::project_filter(result.project), true);
  const std::string host = session.url_host();
  std::vector<const engine::ContainerSummary*> described;
  for (const auto& container : containers) {
    auto oneoff = container.labels.find(labels::kOneoff);
    if (oneoff != container.labels.end() && oneoff->second == "True") continue;
    described.push_back(&container);
  }
  std::vector<ServiceStatus> statuses(described.size());
  util::parallel_for_each(described.size(), [&](size_t index) {
    statuses[index] = describe(client, *described[index], host, options);
  });
  std::set<std::string> seen;
  for (auto& status : statuses) {
    seen.insert(status.name);
    result.services.push_back(std::move(status));
  }
  for (const auto& name : defined) {
    if (seen.count(name) != 0) continue;
    ServiceStatus missing;
    missing.name = name;
    missing.state = "not created";
    missing.health = "stopped";
    result.services.push_back(std::move(missing));
  }
  // Replicas of a service are rows of their own, in container order (web-1, web-2, ...).
  std::sort(result.services.begin(), result.services.end(),
            [](const auto& a, const auto& b) { return std::tie(a.name, a.container) < std::tie(b.name, b.container); });
  result.running = std::any_of(result.services.begin(), result.services.end(),
                               [](const ServiceStatus& status) { return status.state == "running"; });
  result.healthy = !result.services.empty() &&
                   std::all_of(result.services.begin(), result.services.end(),
                               [](const ServiceStatus& status) { return status.health == "healthy"; });
  return result;
}

}  // namespace ollama_stack::stack
