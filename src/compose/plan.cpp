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
      !images_to_build.empty() || !orphans.empty() || !surplus.empty())
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

namespace {

int container_number(const engine::ContainerSummary& container) {
  auto label = container.labels.find(labels::kContainerNumber);
  if (label == container.labels.end()) return 0;
  try {
    return std::stoi(label->second);
  } catch (const std::exception&) {
    return 0;
  }
}

// What to pull or build for each service, under its pull_policy.
void plan_images(Plan& plan, const Project& project, const Observed& observed, const PlanOptions& options) {
  std::set<std::string> pulls, builds;
  for (const auto& [name, service] : project.services) {
    const bool present = observed.images.count(service.image) != 0;
    const std::string& policy = service.pull_policy;
    if (service.build) {
      if (!present || policy == "build") builds.insert(name);
      continue;
    }
    bool pull = !present || options.pull_always || policy == "always";
    if (policy == "refresh" && present) {
      auto tagged = observed.image_tag_times.find(service.image);
      const auto age = std::chrono::duration_cast<std::chrono::seconds>(options.now.time_since_epoch()).count() -
                       (tagged == observed.image_tag_times.end() ? 0 : tagged->second);
      pull = pull || age > service.pull_refresh.count();
    }
    if (policy == "never") {
      if (!present) plan.missing_images.push_back(fmt::format("{} (service {})", service.image, name));
      continue;
    }
    if (pull) {
      pulls.insert(service.image);
      if (!service.platform.empty()) plan.pull_platforms[service.image] = service.platform;
    }
  }
  plan.images_to_pull.assign(pulls.begin(), pulls.end());
  plan.images_to_build.assign(builds.begin(), builds.end());
}

}  // namespace

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
  plan_images(plan, project, observed, options);

  // The containers of each service by replica number; replicas beyond the service's count go
  // (highest first), and a second container with the same number is treated as an orphan.
  std::map<std::string, std::map<int, const engine::ContainerSummary*>> existing;
  for (const auto& container : observed.containers) {
    auto service = container.labels.find(labels::kService);
    const bool known = service != container.labels.end() && project.services.count(service->second) != 0;
    if (!known) {
      if (options.remove_orphans) plan.orphans.push_back(container);
      continue;
    }
    const Service& definition = project.services.at(service->second);
    int number = container_number(container);
    if (!definition.container_name.empty() && number == 0) number = 1;
    if (number > definition.replicas) {
      plan.surplus.push_back(container);
      continue;
    }
    auto& slot = existing[service->second][number];
    if (number >= 1 && slot == nullptr) slot = &container;
    else plan.orphans.push_back(container);  // a duplicate or unnumbered: keep the first, remove the rest
  }
  std::sort(plan.surplus.begin(), plan.surplus.end(),
            [](const auto& a, const auto& b) { return container_number(a) > container_number(b); });

  std::set<std::string> replaced;  // services whose first container is created or recreated now
  for (const auto& name : dependency_order(project)) {
    const Service& service = project.services.at(name);
    SpecOptions spec_options;
    spec_options.extra_labels = options.extra_labels;
    spec_options.api_version = options.api_version;
    std::string replaced_parent;
    for (const auto& shared : shared_services(service)) {
      if (replaced.count(shared) != 0) replaced_parent = shared;
      auto containers = existing.find(shared);
      if (containers != existing.end() && !containers->second.empty())
        spec_options.service_containers[shared] = containers->second.begin()->second->id;
    }
    for (int number = 1; number <= service.replicas; ++number) {
      spec_options.number = number;
      ServicePlan service_plan;
      service_plan.service = name;
      service_plan.spec = container_spec(project, service, spec_options);
      const auto& replicas = existing[name];
      auto found = replicas.find(number);
      if (found == replicas.end()) {
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
        } else if (!replaced_parent.empty()) {
          // A container that shares another one's namespace or volumes follows it.
          service_plan.action = ServiceAction::recreate;
          service_plan.reason = fmt::format("{} is recreated", replaced_parent);
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
      if (number == 1 && (service_plan.action == ServiceAction::create || service_plan.action == ServiceAction::recreate))
        replaced.insert(name);
      plan.services.push_back(std::move(service_plan));
    }
  }
  return plan;
}

}  // namespace ollama_stack::compose
