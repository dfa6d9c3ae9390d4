#include "ollama_stack/stack/home/platform_project.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

bool asks_for_nvidia(const compose::DeviceRequest& request) {
  if (request.driver == "nvidia") return true;
  return request.driver.empty() &&
         std::any_of(request.capabilities.begin(), request.capabilities.end(),
                     [](const auto& cap) { return cap == "gpu" || cap == "nvidia"; });
}

// Count and ids as CDI device names (moby daemon/devices_nvidia_linux.go: normalizeDeviceID).
compose::DeviceRequest as_cdi(const compose::DeviceRequest& request) {
  compose::DeviceRequest cdi;
  cdi.driver = "cdi";
  cdi.count = 0;  // the engine's CDI driver refuses a count
  auto qualified = [](const std::string& id) {
    return id.find('=') != std::string::npos ? id : "nvidia.com/gpu=" + id;
  };
  if (!request.device_ids.empty()) {
    for (const auto& id : request.device_ids) cdi.device_ids.push_back(qualified(id));
  } else if (request.count < 0) {
    cdi.device_ids.push_back("nvidia.com/gpu=all");
  } else {
    for (int i = 0; i < request.count; ++i) cdi.device_ids.push_back(qualified(std::to_string(i)));
  }
  return cdi;
}

bool maps_kfd(const compose::Service& service) {
  return std::any_of(service.devices.begin(), service.devices.end(),
                     [](const auto& device) { return device.host_path == "/dev/kfd"; });
}

}  // namespace

std::optional<unsigned> render_group_id(const PlatformDecision& decision,
                                        const compose::VariableLookup& lookup) {
  auto text = lookup ? lookup(kRenderGidVariable) : std::nullopt;
  if (!text || text->empty()) return decision.render_gid;
  unsigned gid = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), gid);
  if (error != std::errc() || end != text->data() + text->size())
    throw ConfigError(
        fmt::format("{}=\"{}\" is not a group id", kRenderGidVariable, *text),
        "set it (in the shell or the home's .env) to the number of the engine host's render group: "
        "`getent group render | cut -d: -f3` there");
  return gid;
}

void adapt_to_platform(compose::Project& project, const PlatformDecision& decision,
                       const compose::VariableLookup& lookup) {
  if (decision.platform == Platform::nvidia && decision.nvidia_request == NvidiaRequest::cdi) {
    for (auto& [name, service] : project.services)
      for (auto& request : service.device_requests)
        if (asks_for_nvidia(request)) request = as_cdi(request);
  }
  if (decision.platform == Platform::amd) {
    const auto gid = render_group_id(decision, lookup);
    if (!gid) return;
    const std::string group = std::to_string(*gid);
    for (auto& [name, service] : project.services)
      if (maps_kfd(service) && std::find(service.group_add.begin(), service.group_add.end(),
                                         group) == service.group_add.end())
        service.group_add.push_back(group);
  }
}

}  // namespace ollama_stack::stack
