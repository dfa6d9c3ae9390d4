#pragma once
// The service keys that map one to one onto the engine's container config: namespaces, process,
// DNS, logging, kernel settings, resources, and the grants of configs and secrets. Each function
// reads one key's node and throws ConfigError with the node's location and path.
#include <string>
#include <string_view>
#include <vector>

#include "ollama_stack/compose/convert.hpp"
#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/compose/yaml_document.hpp"

namespace ollama_stack::compose {

// Namespaces, process, DNS, logging, kernel and list/map keys (service_options.cpp). Returns
// false when `key` is not one of them.
bool convert_service_option(Service& service, const std::string& key, const Node& value,
                            const std::string& path);

// cpu_* (not cpus), cpuset, mem_swappiness, memswap_limit, oom_*, blkio_config
// (service_resources.cpp). Returns false when `key` is not one of them.
bool convert_resource_option(Service& service, const std::string& key, const Node& value,
                             const std::string& path);

// `configs:` / `secrets:` of a service: names (short) or {source, target, uid, gid, mode}.
// Targets become absolute: configs default to /<source>, secrets to /run/secrets/<source>, and a
// relative secret target is placed under /run/secrets.
std::vector<FileGrant> file_grants_value(const Node& node, std::string_view path, bool is_secret);

// A file mode written in octal (0440, 0o440, "0440") or decimal (288).
int file_mode_value(const Node& node, std::string_view path);

// `expose:` entries ("3000", 8080, "8000-8002/udp") → "port/protocol", ranges expanded.
std::vector<std::string> expose_value(const Node& node, std::string_view path);

// `deploy:` as far as a single engine can honour it.
struct DeployResources {
  std::optional<int64_t> memory_limit;
  std::optional<int64_t> nano_cpus;
  std::optional<int64_t> pids_limit;
  std::optional<int64_t> memory_reservation;
  std::vector<DeviceRequest> devices;
  std::optional<int> replicas;
  std::optional<std::string> restart;  // from restart_policy: "no", "always", "on-failure[:N]"
};
// Swarm-only keys are reported through `context.warn`.
DeployResources deploy_value(const Node& node, std::string_view path,
                             const ConvertContext& context);

// `build:` (a context string or a mapping). Keys that need BuildKit are reported through
// `context.warn`.
// The context stays as written when it is a URL (is_remote_context): the engine fetches it.
Build build_value(const Node& node, std::string_view path, const ConvertContext& context);
bool is_remote_context(std::string_view context);

}  // namespace ollama_stack::compose
