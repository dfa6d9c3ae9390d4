// Down: stop and remove a project's containers and networks, found by the project label.
#include <fmt/format.h>

#include <map>
#include <mutex>
#include <set>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/parallel.hpp"

namespace ollama_stack::compose {
namespace {

using State = ProgressUpdate::State;

// Services named in a container's depends_on label ("svc:condition:restart,…").
std::set<std::string> dependencies_of(const engine::ContainerSummary& container) {
  std::set<std::string> names;
  auto label = container.labels.find(labels::kDependsOn);
  if (label == container.labels.end()) return names;
  size_t start = 0;
  while (start < label->second.size()) {
    auto comma = label->second.find(',', start);
    if (comma == std::string::npos) comma = label->second.size();
    auto entry = label->second.substr(start, comma - start);
    names.insert(entry.substr(0, entry.find(':')));
    start = comma + 1;
  }
  return names;
}

}  // namespace

DownResult down(engine::Client& client, const std::string& project_name,
                const DownOptions& options) {
  const engine::Filters filters = project_filter(project_name);
  auto containers = client.list_containers(filters, true);

  // A container may stop once nothing that depends on it is still running: reverse order.
  std::map<std::string, std::set<std::string>> dependents;  // service -> services depending on it
  std::map<std::string, std::string> service_of;             // container id -> service
  for (const auto& container : containers) {
    auto service = container.labels.count(labels::kService) ? container.labels.at(labels::kService) : container.name;
    service_of[container.id] = service;
    for (const auto& dependency : dependencies_of(container)) dependents[dependency].insert(service);
  }

  DownResult result;
  std::vector<std::string> failures;
  std::set<std::string> removed_services;
  std::vector<const engine::ContainerSummary*> remaining;
  for (const auto& container : containers) remaining.push_back(&container);
  std::mutex mutex;
  while (!remaining.empty()) {
    // This wave: containers none of whose dependents is still present.
    std::vector<const engine::ContainerSummary*> wave, later;
    for (const auto* container : remaining) {
      bool blocked = false;
      for (const auto& dependent : dependents[service_of[container->id]])
        for (const auto* other : remaining)
          if (other != container && service_of[other->id] == dependent) blocked = true;
      (blocked ? later : wave).push_back(container);
    }
    if (wave.empty()) wave.swap(later);  // a cycle in labels: just go on
    util::parallel_for_each(wave, [&](const engine::ContainerSummary* container) {
      const std::string task = "container:" + container->name;
      auto failed = [&](const std::string& why) {
        if (options.progress) options.progress({task, container->name, State::failed, why});
        std::lock_guard lock(mutex);
        failures.push_back(fmt::format("{}: {}", container->name, why));
      };
      try {
        if (container->state == "running" || container->state == "restarting" || container->state == "paused") {
          if (options.progress) options.progress({task, container->name, State::running, "stopping"});
          int timeout = options.stop_timeout_seconds;
          if (timeout < 0) {
            auto inspected = client.inspect_container(container->id);
            auto stop_timeout = inspected.raw["Config"].value("StopTimeout", nlohmann::json());
            timeout = stop_timeout.is_number() ? stop_timeout.get<int>() : 10;
          }
          client.stop_container(container->id, timeout);
        }
        if (options.progress) options.progress({task, container->name, State::running, "removing"});
        client.remove_container(container->id, true, false);
        if (options.progress) options.progress({task, container->name, State::done, "removed"});
        std::lock_guard lock(mutex);
        result.removed_containers.push_back(container->name);
      } catch (const engine::EngineError& error) {
        if (error.kind() != engine::EngineError::Kind::not_found) failed(error.what());  // not_found: already gone
      } catch (const std::exception& error) {
        failed(error.what());
      }
    });
    remaining.swap(later);
  }

  for (const auto& network : client.list_networks(filters)) {
    try {
      client.remove_network(network.id);
      result.removed_networks.push_back(network.name);
      if (options.progress) options.progress({"network:" + network.name, network.name, State::done, "removed"});
    } catch (const engine::EngineError& error) {
      if (error.kind() != engine::EngineError::Kind::not_found)
        failures.push_back(fmt::format("network {}: {}", network.name, error.what()));
    }
  }
  if (options.remove_volumes) {
    for (const auto& volume : client.list_volumes(filters)) {
      try {
        client.remove_volume(volume.name);
        result.removed_volumes.push_back(volume.name);
        if (options.progress) options.progress({"volume:" + volume.name, volume.name, State::done, "removed"});
      } catch (const engine::EngineError& error) {
        failures.push_back(fmt::format("volume {}: {}", volume.name, error.what()));
      }
    }
  }
  if (!failures.empty()) {
    std::string message = "taking the stack down failed: ";
    for (size_t i = 0; i < failures.size(); ++i) message += (i ? "; " : "") + failures[i];
    throw Error(ExitCode::failed, message, "run the command again; it continues where it stopped");
  }
  return result;
}

}  // namespace ollama_stack::compose
