#pragma once
// Parsers for the individual service keys that need more than a string or a boolean. Each takes
// the key's node and its path ("services.webui.healthcheck") and throws ConfigError with both.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/compose/yaml_document.hpp"

namespace ollama_stack::compose {

std::chrono::nanoseconds duration_value(const Node& node, std::string_view path);
int64_t byte_size_value(const Node& node, std::string_view path);
int64_t nano_cpus_value(const Node& node, std::string_view path);

// `command` / `entrypoint`: a string (split like shell words) or a list.
std::vector<std::string> command_value(const Node& node, std::string_view path);

Healthcheck healthcheck_value(const Node& node, std::string_view path);
std::string restart_value(const Node& node, std::string_view path);
std::vector<Dependency> depends_on_value(const Node& node, std::string_view path);
std::vector<ServiceNetwork> networks_value(const Node& node, std::string_view path);
// "host:ip" strings, from a list of "host:ip" / "host=ip" or a mapping.
std::vector<std::string> extra_hosts_value(const Node& node, std::string_view path);
std::vector<DeviceMapping> devices_value(const Node& node, std::string_view path);
std::vector<Ulimit> ulimits_value(const Node& node, std::string_view path);
DeviceRequest device_request_value(const Node& node, std::string_view path);
DeviceRequest gpus_value(const Node& node, std::string_view path);

// `deploy:` (only resources.limits.{memory,cpus} and resources.reservations.{memory,devices}).
struct DeployResources {
  std::optional<int64_t> memory_limit;
  std::optional<int64_t> nano_cpus;
  std::optional<int64_t> memory_reservation;
  std::vector<DeviceRequest> devices;
};
DeployResources deploy_value(const Node& node, std::string_view path);

}  // namespace ollama_stack::compose
