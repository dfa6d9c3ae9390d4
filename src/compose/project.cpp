#include "ollama_stack/compose/project.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ollama_stack::compose {

std::string container_name(const Project& project, const Service& service, int number) {
  if (!service.container_name.empty()) return service.container_name;
  return fmt::format("{}-{}-{}", project.name, service.name, number);
}

std::string service_reference(std::string_view mode) {
  constexpr std::string_view prefix = "service:";
  if (!mode.starts_with(prefix)) return {};
  return std::string(mode.substr(prefix.size()));
}

std::vector<std::string> shared_services(const Service& service) {
  std::vector<std::string> out;
  auto add = [&](const std::string& name) {
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  for (const auto* mode :
       {&service.network_mode, &service.ipc, &service.pid, &service.uts, &service.cgroup})
    add(service_reference(*mode));
  for (const auto& entry : service.volumes_from)
    if (!entry.starts_with("container:")) add(entry.substr(0, entry.find(':')));
  return out;
}

}  // namespace ollama_stack::compose
