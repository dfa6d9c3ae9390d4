#pragma once
// Is a service healthy? Docker's own healthcheck where the container defines one, and an HTTP
// probe of its published port with the path its `ollama-stack.health.path` label declares.
#include <chrono>
#include <optional>
#include <string>

#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::stack {

inline constexpr const char* kHealthPortLabel = "ollama-stack.health.port";
inline constexpr const char* kHealthPathLabel = "ollama-stack.health.path";
inline constexpr const char* kTitleLabel = "ollama-stack.title";

struct HealthProbe {
  std::string url;   // "http://localhost:8080/health"; "" when the service declares no probe
  int container_port = 0;
  int host_port = 0;  // 0 = not published
};

// The probe of a service, from its labels and the container's published ports.
HealthProbe probe_for(const std::map<std::string, std::string>& labels,
                      const std::vector<engine::PortBinding>& ports, const std::string& host);

// One HTTP GET; the status code, or nullopt when nothing answered (with `error` set).
std::optional<int> http_get_status(const std::string& url, std::chrono::milliseconds timeout,
                                   std::string* error = nullptr);

enum class Health { healthy, starting, unhealthy, stopped };
std::string to_string(Health health);

struct HealthReport {
  Health health = Health::starting;
  std::string reason;  // "exited with code 1", "health probe answered 500", "port 8080 not published"
  std::string url;
};

// One look at a container: state, Docker health, HTTP probe.
HealthReport assess_health(const engine::ContainerInspect& container, const std::string& host,
                           std::chrono::milliseconds probe_timeout = std::chrono::milliseconds(1000));

}  // namespace ollama_stack::stack
