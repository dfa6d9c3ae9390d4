#include "ollama_stack/compose/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "ollama_stack/compose/drift.hpp"
#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {

bool Plan::changes_anything() const {
  if (!networks_to_create.empty() || !volumes_to_create.empty() || !images_to_pull.empty() ||
      !images_to_build.empty() || !orphans.empty())
    return true;
  return std::any_of(services.begin(), services.end(),
                     [](const ServicePlan& plan) { return plan.action != ServiceAction::none; });
}

std::vector<std::string> dependency_order(const Project& project) {
  std::vector<std::string> order;
  std::map<std::string, int> state;  // 0 unvisited, 1 visiting, 2 done
  std::vector<std::string> stack;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    if (state[name] == 2) return;
    if (state[name] == 1) {
      std::string cycle;
      auto from = std::find(stack.begin(), stack.end(), name);
      for (auto it = from; it != stack.end(); ++it) cycle += *it + " -> ";
      throw ConfigError(fmt::format("services depend on each other in a cycle: {}{}", cycle, name),
                        "remove one of these depends_on entries");
    }
    state[name] = 1;
    stack.push_back(name);
    auto service = project.services.find(name);
    if (service != project.services.end())
      for (const auto& dependency : service->second.depends_on)
        if (project.services.count(dependency.service) != 0) visit(dependency.service);
    stack.pop_back();
    state[name] = 2;
    order.push_back(name);
  };
  for (const auto& [name, service] : project.services) visit(name);
  return order;
}

Plan make_plan(const Project& project, const Observed& observed, const PlanOptions& options) {
  Plan plan;
  for (const auto& [key, network] : project.networks) {
    if (observed.networks.count(network.name) != 0) continue;
    if (network.external) plan.missing_external.push_back(network.name);
    else plan.networks_to_create.push_back(key);
  }
  for (const auto& [key, volume] : project.volumes) {
    if (observed.volumes.count(volume.name) != 0) continue;
    if (volume.external) plan.missing_external.push_back(volume.name);
    else plan.volumes_to_create.push_back(key);
  }

  std::set<std::string> pulls, builds;
  for (const auto& [name, service] : project.services) {
    const bool present = observed.images.count(service.image) != 0;
    if (service.build) {
      if (!present) builds.insert(name);
    } else if (!present || options.pull_always) {
      pulls.insert(service.image);
    }
  }
  plan.images_to_pull.assign(pulls.begin(), pulls.end());
  plan.images_to_build.assign(builds.begin(), builds.end());

  // The container of each service (number 1); extra ones are treated as orphans.
  std::map<std::string, const engine::ContainerSummary*> existing;
  for (const auto& container : observed.containers) {
    auto service = container.labels.find(labels::kService);
    const bool known = service != container.labels.end() && project.services.count(service->second) != 0;
    if (!known) {
      if (options.remove_orphans) plan.orphans.push_back(container);
      continue;
    }
    auto& slot = existing[service->second];
    if (slot == nullptr) slot = &container;
    else plan.orphans.push_back(container);  // a duplicate: keep the first, remove the rest
  }

  for (const auto& name : dependency_order(project)) {
    const Service& service = project.services.at(name);
    ServicePlan service_plan;
    service_plan.service = name;
    service_plan.spec = container_spec(project, service, options.extra_labels);
    auto found = existing.find(name);
    if (found == existing.end()) {
      service_plan.action = ServiceAction::create;
      service_plan.reason = "not created";
    } else {
      const auto& container = *found->second;
      service_plan.existing_id = container.id;
      service_plan.existing_state = container.state;
      auto hash = container.labels.find(labels::kConfigHash);
      auto image = observed.images.find(service.image);
      if (hash == container.labels.end() || hash->second != service_plan.spec.config_hash) {
        service_plan.action = ServiceAction::recreate;
        service_plan.reason = "configuration changed";
      } else if (image != observed.images.end() && !container.image_id.empty() && image->second != container.image_id) {
        service_plan.action = ServiceAction::recreate;
        service_plan.reason = "image changed";
      } else if (container.name != service_plan.spec.name) {
        service_plan.action = ServiceAction::recreate;
        service_plan.reason = "container name changed";
      } else if (auto drift = drift_reason(service_plan.spec, container); !drift.empty()) {
        service_plan.action = ServiceAction::recreate;  // changed behind the stack's back
        service_plan.reason = drift;
      } else if (container.state != "running") {
        service_plan.action = ServiceAction::start;
        service_plan.reason = container.state;
      } else {
        service_plan.action = ServiceAction::none;
        service_plan.reason = "running and up to date";
      }
    }
    plan.services.push_back(std::move(service_plan));
  }
  return plan;
}

}  // namespace ollama_stack::compose
