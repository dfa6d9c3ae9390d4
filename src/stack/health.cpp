#include "ollama_stack/stack/health.hpp"

#include <fmt/format.h>

#include <charconv>

#include "ollama_stack/stack/service_http.hpp"

namespace ollama_stack::stack {

std::string to_string(Health health) {
  switch (health) {
    case Health::healthy: return "healthy";
    case Health::starting: return "starting";
    case Health::unhealthy: return "unhealthy";
    default: return "stopped";
  }
}

HealthProbe probe_for(const std::map<std::string, std::string>& labels, const std::vector<engine::PortBinding>& ports,
                      const std::string& host) {
  HealthProbe probe;
  auto port_label = labels.find(kHealthPortLabel);
  auto path_label = labels.find(kHealthPathLabel);
  if (port_label == labels.end()) return probe;
  std::from_chars(port_label->second.data(), port_label->second.data() + port_label->second.size(),
                  probe.container_port);
  for (const auto& binding : ports)
    if (binding.private_port == probe.container_port && binding.public_port != 0 && binding.type == "tcp") {
      probe.host_port = binding.public_port;
      break;
    }
  if (probe.host_port == 0) return probe;
  const std::string path = path_label != labels.end() ? path_label->second : "/";
  probe.url = fmt::format("http://{}:{}{}", host, probe.host_port, path.starts_with('/') ? path : "/" + path);
  return probe;
}

std::optional<int> http_get_status(const std::string& url, std::chrono::milliseconds timeout, std::string* error) {
  HttpRequestOptions options;
  options.timeout = timeout;
  options.connect_timeout = timeout;
  options.on_data = [](int, std::string_view) { return true; };  // the status is all a probe needs
  auto result = http_request(url, options);
  if (!result.error.empty()) {
    if (error != nullptr) *error = result.error;
    return std::nullopt;
  }
  return result.status;
}

HealthReport assess_health(const engine::ContainerInspect& container, const std::string& host,
                           std::chrono::milliseconds probe_timeout) {
  HealthReport report;
  const auto& state = container.state;
  if (!state.running) {
    report.health = Health::stopped;
    report.reason = state.status == "exited" ? fmt::format("exited with code {}", state.exit_code) : state.status;
    if (state.oom_killed) report.reason += " (killed: out of memory)";
    if (!state.error.empty()) report.reason += ": " + state.error;
    return report;
  }
  if (state.status == "restarting") {
    report.health = Health::unhealthy;
    report.reason = "restarting";
    return report;
  }
  const bool docker_unhealthy = state.health == "unhealthy";
  auto docker_failing = [&] {
    std::string reason = "Docker healthcheck failing";
    if (!state.health_log.empty()) reason += ": " + state.health_log.back().output;
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    return reason;
  };
  const bool docker_pending = state.health == "starting";
  auto probe = probe_for(container.labels, container.ports, host);
  if (container.labels.count(kHealthPortLabel) != 0 && probe.url.empty()) {
    report.health = Health::unhealthy;
    report.reason = fmt::format("port {} not published", container.labels.at(kHealthPortLabel));
    return report;
  }
  report.url = probe.url;
  if (!probe.url.empty()) {
    std::string error;
    auto status = http_get_status(probe.url, probe_timeout, &error);
    if (!status) {
      // Nothing answers yet: still starting, whatever Docker's healthcheck (which gives up long
      // before a slow first start is over) says.
      report.health = Health::starting;
      report.reason = fmt::format("{} does not answer yet ({}){}", probe.url, error,
                                  docker_unhealthy ? "; Docker's healthcheck fails meanwhile" : "");
      return report;
    }
    if (*status < 200 || *status >= 300) {
      report.health = Health::unhealthy;
      report.reason = fmt::format("health probe {} answered {}", probe.url, *status);
      return report;
    }
  }
  if (docker_unhealthy) {
    report.health = Health::unhealthy;
    report.reason = docker_failing();
    return report;
  }
  if (docker_pending) {
    report.health = Health::starting;
    report.reason = "Docker healthcheck starting";
    return report;
  }
  report.health = Health::healthy;
  return report;
}

}  // namespace ollama_stack::stack
