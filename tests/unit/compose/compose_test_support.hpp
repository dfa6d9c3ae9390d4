#pragma once
// Helpers shared by the compose unit tests.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "ollama_stack/compose/container_spec.hpp"
#include "ollama_stack/compose/load.hpp"
#include "ollama_stack/engine/types.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {

// Readable values in gmock failure messages.
inline void PrintTo(const PortMapping& p, std::ostream* os) {
  *os << "{ip=\"" << p.host_ip << "\" published=" << p.published
      << (p.ephemeral ? " (ephemeral)" : "") << " target=" << p.target << "/" << p.protocol << "}";
}
inline void PrintTo(const Mount& m, std::ostream* os) {
  static const char* kTypes[] = {"volume", "bind", "tmpfs"};
  *os << "{" << kTypes[static_cast<int>(m.type)] << " \"" << m.source << "\" -> " << m.target
      << (m.read_only ? " ro" : " rw") << "}";
}
inline void PrintTo(const Dependency& d, std::ostream* os) {
  *os << "{" << d.service << " condition=" << static_cast<int>(d.condition)
      << " required=" << d.required << " restart=" << d.restart << "}";
}
inline void PrintTo(const ServiceNetwork& n, std::ostream* os) {
  *os << "{" << n.key << " aliases=" << ::testing::PrintToString(n.aliases) << "}";
}
inline void PrintTo(const DeviceRequest& r, std::ostream* os) {
  *os << "{driver=" << r.driver << " count=" << r.count
      << " ids=" << ::testing::PrintToString(r.device_ids)
      << " caps=" << ::testing::PrintToString(r.capabilities)
      << " options=" << ::testing::PrintToString(r.options) << "}";
}

}  // namespace ollama_stack::compose

namespace ollama_stack::compose::testing {

inline VariableLookup lookup_from(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    auto it = variables.find(std::string(name));
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

inline LoadOptions options_for(std::vector<ComposeSource> sources,
                               std::map<std::string, std::string> variables = {}) {
  LoadOptions options;
  options.sources = std::move(sources);
  options.lookup = lookup_from(std::move(variables));
  options.working_dir = "/work/proj";
  options.read_file = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return options;
}

// Loads one inline file named "compose.yml" (project dir /work/proj).
inline LoadResult load_text(const std::string& yaml,
                            std::map<std::string, std::string> variables = {}) {
  return load_project(options_for({{"compose.yml", yaml}}, std::move(variables)));
}

// The message of the ConfigError that loading `yaml` throws ("" when it does not throw).
inline std::string load_error(const std::string& yaml,
                              std::map<std::string, std::string> variables = {}) {
  try {
    load_text(yaml, std::move(variables));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// The container the engine lists after creating `spec` (and connecting its extra networks):
// its labels, networks, mounts and, when running, its published ports.
inline engine::ContainerSummary as_the_engine_lists(const ContainerSpec& spec, const std::string& state) {
  engine::ContainerSummary container;
  container.name = spec.name;
  container.state = state;
  for (const auto& [key, value] : spec.body["Labels"].items()) container.labels[key] = value.get<std::string>();
  if (!spec.primary_network.empty()) container.networks.push_back(spec.primary_network);
  for (const auto& [network, aliases] : spec.extra_networks) container.networks.push_back(network);
  const auto& host = spec.body["HostConfig"];
  for (const auto& mount : host.value("Mounts", nlohmann::json::array())) {
    const std::string type = mount.value("Type", "");
    container.mounts.push_back({type, type == "volume" ? mount.value("Source", "") : "",
                                type == "bind" ? mount.value("Source", "") : "", mount.value("Target", ""),
                                !mount.value("ReadOnly", false)});
  }
  const auto port_bindings = host.value("PortBindings", nlohmann::json::object());
  if (state == "running")
    for (const auto& [key, bindings] : port_bindings.items())
      for (const auto& binding : bindings) {
        const std::string host_port = binding.value("HostPort", "");
        container.ports.push_back({binding.value("HostIp", "").empty() ? "0.0.0.0" : binding.value("HostIp", ""),
                                   static_cast<uint16_t>(std::stoi(key)),
                                   static_cast<uint16_t>(host_port.empty() ? 49153 : std::stoi(host_port)),
                                   key.substr(key.find('/') + 1)});
      }
  return container;
}

}  // namespace ollama_stack::compose::testing
