#include "ollama_stack/compose/drift.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ollama_stack::compose {
namespace {

using nlohmann::json;

std::string network_drift(const ContainerSpec& spec, const engine::ContainerSummary& container) {
  std::vector<std::string> expected;
  if (!spec.primary_network.empty()) expected.push_back(spec.primary_network);
  for (const auto& [network, aliases] : spec.extra_networks) expected.push_back(network);
  for (const auto& network : expected)
    if (std::find(container.networks.begin(), container.networks.end(), network) ==
        container.networks.end())
      return fmt::format("not connected to network {}", network);
  return {};
}

// "11434/tcp" -> (11434, "tcp")
std::pair<uint16_t, std::string> split_port_key(const std::string& key) {
  const auto slash = key.find('/');
  const std::string number = key.substr(0, slash);
  unsigned value = 0;
  for (char c : number)
    value = c >= '0' && c <= '9' ? value * 10 + static_cast<unsigned>(c - '0') : 0;
  return {static_cast<uint16_t>(value), slash == std::string::npos ? "tcp" : key.substr(slash + 1)};
}

bool any_address(const std::string& ip) { return ip.empty() || ip == "0.0.0.0" || ip == "::"; }

std::string port_drift(const json& bindings, const engine::ContainerSummary& container) {
  if (!bindings.is_object()) return {};
  for (const auto& [key, list] : bindings.items()) {
    const auto [target, protocol] = split_port_key(key);
    for (const auto& binding : list) {
      const std::string host_port = binding.value("HostPort", "");
      if (host_port.empty()) continue;  // ephemeral: any port the engine chose
      const std::string host_ip = binding.value("HostIp", "");
      const bool published =
          std::any_of(container.ports.begin(), container.ports.end(), [&](const auto& port) {
            return port.private_port == target && port.type == protocol &&
                   std::to_string(port.public_port) == host_port &&
                   (any_address(host_ip) || port.ip == host_ip);
          });
      if (!published)
        return fmt::format("port {}{}->{} is not published",
                           any_address(host_ip) ? "" : host_ip + ":", host_port, key);
    }
  }
  return {};
}

std::string mount_drift(const json& mounts, const engine::ContainerSummary& container) {
  if (!mounts.is_array()) return {};
  for (const auto& mount : mounts) {
    const std::string type = mount.value("Type", "");
    const std::string target = mount.value("Target", "");
    const std::string source = mount.value("Source", "");
    if (type != "volume" && type != "bind") continue;  // tmpfs leaves no trace to compare
    auto found =
        std::find_if(container.mounts.begin(), container.mounts.end(),
                     [&](const engine::MountPoint& point) { return point.destination == target; });
    if (found == container.mounts.end()) return fmt::format("nothing is mounted at {}", target);
    if (found->type != type)
      return fmt::format("{} is a {} mount, not a {} mount", target, found->type, type);
    if (type == "volume" && !source.empty() && found->name != source)
      return fmt::format("{} is volume {}, not {}", target, found->name, source);
    if (found->read_write == mount.value("ReadOnly", false))
      return fmt::format("{} is mounted {}", target,
                         found->read_write ? "read-write" : "read-only");
  }
  return {};
}

}  // namespace

std::string drift_reason(const ContainerSpec& spec, const engine::ContainerSummary& container) {
  if (auto drift = network_drift(spec, container); !drift.empty()) return drift;
  const auto host = spec.body.find("HostConfig");
  if (host == spec.body.end()) return {};
  if (auto drift = mount_drift(host->value("Mounts", json()), container); !drift.empty())
    return drift;
  if (container.state == "running")
    if (auto drift = port_drift(host->value("PortBindings", json()), container); !drift.empty())
      return drift;
  return {};
}

}  // namespace ollama_stack::compose
