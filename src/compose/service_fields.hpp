#pragma once
// Parsers for the individual service keys that need more than a string or a boolean. Each takes
// the key's node and its path ("services.webui.healthcheck") and throws ConfigError with both.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ollama_stack/compose/convert.hpp"
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
// A list of keys, or a mapping with aliases, addresses, priorities...; sorted as Compose connects
// them: by priority (highest first), then by key.
std::vector<ServiceNetwork> networks_value(const Node& node, std::string_view path);
// "host:ip" strings, from a list of "host:ip" / "host=ip" or a mapping.
std::vector<std::string> extra_hosts_value(const Node& node, std::string_view path);
// `devices:` "/dev/x[:/dev/y[:rwm]]", {source, target, permissions}, or a CDI name
// ("vendor.com/class=name", kept as host and container path; see is_cdi_device).
std::vector<DeviceMapping> devices_value(const Node& node, std::string_view path);
bool is_cdi_device(std::string_view name);
std::vector<Ulimit> ulimits_value(const Node& node, std::string_view path);
DeviceRequest device_request_value(const Node& node, std::string_view path);
// `gpus: all` or a list of device requests (each gets the "gpu" capability).
std::vector<DeviceRequest> gpus_value(const Node& node, std::string_view path);

// env_file / label_file entries (service_env_files.cpp), in order; later files win. Long syntax
// (env_file only): {path, required, format}.
std::map<std::string, std::string> key_value_files(const Node& node, std::string_view path,
                                                   const ConvertContext& context, bool long_syntax);

}  // namespace ollama_stack::compose
