#include "ollama_stack/stack/checks/port_conflicts.hpp"

#include <fmt/format.h>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/stack/checks/port_owner.hpp"
#include "ollama_stack/stack/labels.hpp"

namespace ollama_stack::stack {
namespace {

bool is_wildcard(const std::string& address) {
  return address.empty() || address == "0.0.0.0" || address == "::" || address == "[::]";
}

std::string container_description(const engine::ContainerSummary& container) {
  auto project = container.labels.find(labels::kProject);
  if (project == container.labels.end()) return fmt::format("container {}", container.name);
  return fmt::format("container {} (compose project {})", container.name, project->second);
}

bool project_publishes(const std::vector<engine::ContainerSummary>& containers, const std::string& project_name,
                       const PublishedPort& port) {
  for (const auto& container : containers) {
    auto label = container.labels.find(labels::kProject);
    if (label == container.labels.end() || label->second != project_name) continue;
    for (const auto& binding : container.ports) {
      if (binding.public_port == port.port && binding.type == port.protocol) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<PublishedPort> published_ports(const compose::Project& project) {
  std::vector<PublishedPort> ports;
  for (const auto& [name, service] : project.services) {
    for (const auto& mapping : service.ports) {
      if (mapping.published == 0 || mapping.ephemeral || mapping.published_last != 0) continue;  // a range: the engine picks
      ports.push_back({name, mapping.host_ip, mapping.published, mapping.protocol});
    }
  }
  return ports;
}

std::string PortConflict::message() const {
  return fmt::format("port {}{} ({}) is already in use by {}", host_ip.empty() ? "" : host_ip + ":", port,
                     service, owner);
}

bool addresses_overlap(const std::string& a, const std::string& b) {
  return is_wildcard(a) || is_wildcard(b) || a == b;
}

std::vector<std::string> containers_holding(const std::vector<engine::ContainerSummary>& containers,
                                            const std::string& project_name, const PublishedPort& port) {
  std::vector<std::string> holders;
  for (const auto& container : containers) {
    auto project = container.labels.find(labels::kProject);
    if (project != container.labels.end() && project->second == project_name) continue;
    for (const auto& binding : container.ports) {
      if (binding.public_port == port.port && binding.type == port.protocol &&
          addresses_overlap(binding.ip, port.host_ip)) {
        holders.push_back(container_description(container));
        break;
      }
    }
  }
  return holders;
}

bool engine_is_local(const std::string& engine_description) {
  if (engine_description.starts_with("unix://")) return true;
  for (const char* prefix : {"tcp://localhost:", "tcp://127.", "tcp://[::1]:", "tcp://::1:"}) {
    if (engine_description.starts_with(prefix)) return true;
  }
  return false;
}

std::vector<PortAssessment> assess_ports(engine::Client& engine, const compose::Project& project) {
  const auto ports = published_ports(project);
  if (ports.empty()) return {};
  const auto running = engine.list_containers({}, false);
  const bool local = engine_is_local(engine.describe());
  std::vector<PortAssessment> assessed;
  for (const auto& port : ports) {
    PortAssessment entry{port, PortState::free, ""};
    if (auto holders = containers_holding(running, project.name, port); !holders.empty()) {
      entry.state = PortState::taken;
      entry.owner = holders.front();
    } else if (project_publishes(running, project.name, port)) {
      entry.state = PortState::ours;  // the stack's own proxy holds it
    } else if (local && port.protocol == "tcp" && !port_is_free(port.host_ip, port.port)) {
      // (a UDP port cannot be tested with a TCP bind)
      auto owner = find_port_owner(port.port);
      entry.state = PortState::taken;
      entry.owner = owner ? describe(*owner) : "another process (not visible from here)";
    }
    assessed.push_back(std::move(entry));
  }
  return assessed;
}

std::vector<PortConflict> find_port_conflicts(engine::Client& engine, const compose::Project& project) {
  std::vector<PortConflict> conflicts;
  for (auto& entry : assess_ports(engine, project)) {
    if (entry.state != PortState::taken) continue;
    conflicts.push_back({entry.port.port, entry.port.host_ip, entry.port.service, std::move(entry.owner)});
  }
  return conflicts;
}

}  // namespace ollama_stack::stack
