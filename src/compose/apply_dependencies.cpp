#include "apply_dependencies.hpp"

#include <fmt/format.h>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/poll.hpp"

namespace ollama_stack::compose {

using namespace std::chrono_literals;

void Readiness::expect() {
  std::lock_guard lock(mutex_);
  ++pending_;
}

void Readiness::started(int number, const std::string& container_id) {
  {
    std::lock_guard lock(mutex_);
    if (number == 1 || container_id_.empty()) container_id_ = container_id;
    if (--pending_ <= 0 && status_ == Status::pending) status_ = Status::started;
  }
  changed_.notify_all();
}

void Readiness::failed() {
  {
    std::lock_guard lock(mutex_);
    status_ = Status::failed;
  }
  changed_.notify_all();
}

void Readiness::start_if_empty() {
  std::lock_guard lock(mutex_);
  if (pending_ == 0) status_ = Status::started;
}

Readiness::Status Readiness::wait(const std::function<bool()>& stop, std::string* container_id) {
  std::unique_lock lock(mutex_);
  while (status_ == Status::pending && !stop()) changed_.wait_for(lock, 100ms);
  if (container_id != nullptr) *container_id = container_id_;
  return status_;
}

void DependencyWaiter::expect(const Project& project, const Plan& plan) {
  for (const auto& [name, service] : project.services) readiness_[name];
  for (const auto& service_plan : plan.services) readiness_[service_plan.service].expect();
  for (auto& [name, readiness] : readiness_) readiness.start_if_empty();
}

// Inspects the dependency's container until `done` says it is ready (true) or throws; gives up
// after the dependency timeout. Polls soon, then backs off to 250 ms.
void DependencyWaiter::await_dependency(
    const std::string& dependency, const std::string& container_id, std::string_view what,
    const std::function<bool(const engine::ContainerInspect&)>& done) {
  const auto end = util::poll_until([&] { return done(client_.inspect_container(container_id)); },
                                    std::chrono::steady_clock::now() + timeout_, should_stop_,
                                    {10ms, 250ms});
  if (end == util::PollEnd::timed_out)
    throw Error(ExitCode::unhealthy, fmt::format("dependency {} did not {} within {} s", dependency,
                                                 what, timeout_.count()));
}

void DependencyWaiter::await_healthy(const std::string& dependency,
                                     const std::string& container_id) {
  await_dependency(
      dependency, container_id, "become healthy", [&](const engine::ContainerInspect& inspected) {
        if (inspected.state.health.empty() && inspected.state.running)
          throw Error(ExitCode::failed,
                      fmt::format("service {} must be healthy first, but it has no healthcheck",
                                  dependency),
                      "add a healthcheck to it, or use condition: service_started");
        if (inspected.state.health == "unhealthy")
          throw Error(ExitCode::unhealthy, fmt::format("dependency {} is unhealthy", dependency));
        if (!inspected.state.running)
          throw Error(ExitCode::failed, fmt::format("dependency {} exited with code {}", dependency,
                                                    inspected.state.exit_code));
        return inspected.state.health == "healthy";
      });
}

void DependencyWaiter::await_completed(const std::string& dependency,
                                       const std::string& container_id) {
  await_dependency(
      dependency, container_id, "complete", [&](const engine::ContainerInspect& inspected) {
        if (inspected.state.running || inspected.state.status == "created") return false;
        if (inspected.state.exit_code != 0)
          throw Error(ExitCode::failed, fmt::format("dependency {} exited with code {}", dependency,
                                                    inspected.state.exit_code));
        return true;
      });
}

std::map<std::string, std::string> DependencyWaiter::await_dependencies(const Service& service) {
  std::map<std::string, std::string> containers;
  for (const auto& dependency : service.depends_on) {
    auto readiness = readiness_.find(dependency.service);
    if (readiness == readiness_.end()) {
      if (dependency.required)
        throw Error(ExitCode::failed,
                    fmt::format("service {} depends on {}, which is not part of the stack",
                                service.name, dependency.service));
      continue;
    }
    std::string container_id;
    auto status = readiness->second.wait(should_stop_, &container_id);
    if (status != Readiness::Status::started) {
      if (should_stop_()) return containers;
      throw Error(ExitCode::failed,
                  fmt::format("not started because {} failed", dependency.service));
    }
    containers[dependency.service] = container_id;
    if (dependency.condition == DependencyCondition::service_healthy)
      await_healthy(dependency.service, container_id);
    if (dependency.condition == DependencyCondition::service_completed_successfully)
      await_completed(dependency.service, container_id);
  }
  return containers;
}

}  // namespace ollama_stack::compose
