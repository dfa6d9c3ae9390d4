#include "ollama_stack/compose/apply.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>

#include "apply_journal.hpp"
#include "ollama_stack/compose/build_context.hpp"
#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/compose/resource_spec.hpp"
#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/parallel.hpp"
#include "ollama_stack/util/poll.hpp"

namespace ollama_stack::compose {
namespace {

using State = ProgressUpdate::State;
using namespace std::chrono_literals;

// Readiness of one service (all its replicas), awaited by the services that depend on it.
class Readiness {
 public:
  enum class Status { pending, started, failed };
  // Counts one replica that must start before the service is started.
  void expect() {
    std::lock_guard lock(mutex_);
    ++pending_;
  }
  // A replica started; the service's container for "service:X" references is its first one.
  void started(int number, const std::string& container_id) {
    {
      std::lock_guard lock(mutex_);
      if (number == 1 || container_id_.empty()) container_id_ = container_id;
      if (--pending_ <= 0 && status_ == Status::pending) status_ = Status::started;
    }
    changed_.notify_all();
  }
  void failed() {
    {
      std::lock_guard lock(mutex_);
      status_ = Status::failed;
    }
    changed_.notify_all();
  }
  // A service without replicas (scale 0) is started at once.
  void start_if_empty() {
    std::lock_guard lock(mutex_);
    if (pending_ == 0) status_ = Status::started;
  }
  // Waits until no longer pending; polls `stop` so cancellation is seen.
  Status wait(const std::function<bool()>& stop, std::string* container_id) {
    std::unique_lock lock(mutex_);
    while (status_ == Status::pending && !stop()) changed_.wait_for(lock, 100ms);
    if (container_id != nullptr) *container_id = container_id_;
    return status_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  Status status_ = Status::pending;
  int pending_ = 0;
  std::string container_id_;
};

class Applier {
 public:
  Applier(engine::Client& client, const Project& project, const ApplyOptions& options)
      : client_(client), project_(project), options_(options) {}

  ApplyResult run();

 private:
  void report(const std::string& task, const std::string& label, State state, const std::string& message,
              int64_t current = 0, int64_t total = 0) const {
    if (options_.progress) options_.progress({task, label, state, message, current, total});
  }
  bool cancelled() const { return options_.cancelled && options_.cancelled(); }
  bool should_stop() const { return cancelled() || failed_.load(); }
  void check_cancel() const {
    if (cancelled()) throw Interrupted();
  }

  void create_networks_and_volumes(const Plan& plan, ApplyResult& result);
  void pull_and_build(const Plan& plan, ApplyResult& result);
  void remove_orphans(const Plan& plan, ApplyResult& result);
  void remove_surplus(const Plan& plan, ApplyResult& result);
  void run_services(Plan& plan, ApplyResult& result);
  ServiceOutcome run_service(const ServicePlan& service_plan);
  // Waits for the service's dependencies; returns the first container of each one.
  std::map<std::string, std::string> await_dependencies(const Service& service);
  void await_healthy(const std::string& dependency, const std::string& container_id);
  void await_completed(const std::string& dependency, const std::string& container_id);
  void await_dependency(const std::string& dependency, const std::string& container_id, std::string_view what,
                        const std::function<bool(const engine::ContainerInspect&)>& done);
  std::string create_and_connect(const Service& service, const ContainerSpec& spec);
  // Undoes this run; returns what could not be undone.
  std::vector<std::string> rollback();
  // Undoes this run and throws Interrupted saying what the undo did.
  [[noreturn]] void interrupted();
  void record_failure(const std::string& message, const std::string& hint);

  engine::Client& client_;
  const Project& project_;
  const ApplyOptions& options_;
  PlanOptions plan_options_;  // options_.plan with the negotiated API version and the time
  ApplyJournal journal_;
  std::map<std::string, Readiness> readiness_;
  std::atomic<bool> failed_{false};
  std::mutex failures_mutex_;
  std::vector<std::string> failures_;
  std::string first_hint_;
};

// Replicas report as "<service>-<n>", each on its own progress line.
std::string progress_label(const Service& service, int number) {
  return service.replicas > 1 ? fmt::format("{}-{}", service.name, number) : service.name;
}

std::string hint_for(const std::string& message) {
  if (message.find("port is already allocated") != std::string::npos ||
      message.find("address already in use") != std::string::npos)
    return "another process or container uses that host port: stop it, or choose another port in the home's .env";
  if (message.find("could not select device driver") != std::string::npos)
    return "the NVIDIA Container Toolkit is missing: install nvidia-container-toolkit and restart Docker, or use "
           "--platform cpu";
  if (message.find("error gathering device information") != std::string::npos)
    return "a device the services map is missing on the engine's host (amd: /dev/kfd and "
           "/dev/dri come with the amdgpu driver): run `ollama-stack check`, or use --platform cpu";
  if (message.find("Unable to find group") != std::string::npos)
    return "group_add names a group missing from the image's /etc/group: give its id instead";
  if (message.find("No such image") != std::string::npos)
    return "the image is not on this machine: pull it, or point the image variable at a local image";
  return {};
}

void Applier::record_failure(const std::string& message, const std::string& hint) {
  std::lock_guard lock(failures_mutex_);
  failures_.push_back(message);
  if (first_hint_.empty()) first_hint_ = hint.empty() ? hint_for(message) : hint;
  failed_.store(true);
}

void Applier::create_networks_and_volumes(const Plan& plan, ApplyResult& result) {
  for (const auto& key : plan.networks_to_create) {
    check_cancel();
    const Network& network = project_.networks.at(key);
    const std::string task = "network:" + network.name;
    report(task, network.name, State::running, "creating network");
    auto network_labels = network.labels;
    network_labels[labels::kProject] = project_.name;
    network_labels[labels::kNetwork] = key;
    network_labels[labels::kVersion] = labels::kComposeVersion;
    for (const auto& [label, value] : options_.plan.extra_labels) network_labels[label] = value;
    client_.create_network(network.name, network_options(network, network_labels, plan_options_.api_version));
    journal_.add_network(network.name);
    result.created_networks.push_back(network.name);
    report(task, network.name, State::done, "network created");
  }
  for (const auto& key : plan.volumes_to_create) {
    check_cancel();
    const Volume& volume = project_.volumes.at(key);
    auto volume_labels = volume.labels;
    volume_labels[labels::kProject] = project_.name;
    volume_labels[labels::kVolume] = key;
    volume_labels[labels::kVersion] = labels::kComposeVersion;
    for (const auto& [label, value] : options_.plan.extra_labels) volume_labels[label] = value;
    client_.create_volume(volume.name, volume.driver, volume_labels, volume.driver_opts);
    result.created_volumes.push_back(volume.name);
    report("volume:" + volume.name, volume.name, State::done, "volume created");
  }
}

void Applier::pull_and_build(const Plan& plan, ApplyResult& result) {
  // Pulls run in parallel, one thread an image; each reports bytes summed over its layers.
  std::mutex result_mutex;
  util::parallel_for_each(plan.images_to_pull, [&](const std::string& reference) {
    const std::string task = "image:" + reference;
    std::map<std::string, std::pair<int64_t, int64_t>> layers;
    report(task, reference, State::running, "pulling");
    try {
      client_.pull_image(
          reference,
          [&](const engine::ProgressEvent& event) {
            if (event.id.empty() || event.total <= 0) return;
            layers[event.id] = {event.current, event.total};
            int64_t current = 0, total = 0;
            for (const auto& [id, figures] : layers) current += figures.first, total += figures.second;
            report(task, reference, State::running, "pulling", current, total);
          },
          [this] { return should_stop(); },
          plan.pull_platforms.count(reference) ? plan.pull_platforms.at(reference) : std::string());
      report(task, reference, State::done, "pulled");
      std::lock_guard lock(result_mutex);
      result.pulled_images.push_back(reference);
    } catch (const engine::EngineError& error) {
      if (error.kind() == engine::EngineError::Kind::cancelled) return;
      report(task, reference, State::failed, error.what());
      record_failure(error.what(), error.hint());
    }
  });
  check_cancel();
  for (const auto& name : plan.images_to_build) {
    if (failed_.load()) break;
    const Service& service = project_.services.at(name);
    const std::string task = "image:" + service.image;
    report(task, service.image, State::running, "building");
    try {
      const auto build = build_options(service);
      const std::string context =
          build.remote.empty()
              ? make_build_context(service.build->context, service.build->dockerfile, service.build->dockerfile_inline)
              : std::string();
      client_.build_image(context, build, nullptr);
      report(task, service.image, State::done, "built");
      result.built_images.push_back(service.image);
    } catch (const Error& error) {
      report(task, service.image, State::failed, error.what());
      record_failure(fmt::format("building {} for service {} failed: {}", service.image, name, error.what()),
                     error.hint());
    }
  }
}

void Applier::remove_orphans(const Plan& plan, ApplyResult& result) {
  for (const auto& orphan : plan.orphans) {
    check_cancel();
    report("container:" + orphan.name, orphan.name, State::running, "removing orphan");
    client_.remove_container(orphan.id, true, false);
    result.removed_orphans.push_back(orphan.name);
    report("container:" + orphan.name, orphan.name, State::done, "orphan removed");
  }
}

void Applier::remove_surplus(const Plan& plan, ApplyResult& result) {
  // Scale down: the highest numbers go first, each stopped within its service's grace period.
  for (const auto& container : plan.surplus) {
    check_cancel();
    const std::string task = "container:" + container.name;
    report(task, container.name, State::running, "removing (scale down)");
    auto service = project_.services.find(container.labels.at(labels::kService));
    const auto& grace = service->second.stop_grace_period;
    if (container.state == "running") client_.stop_container(container.id, grace ? static_cast<int>(grace->count()) : 10);
    client_.remove_container(container.id, true, false);
    result.removed_surplus.push_back(container.name);
    report(task, container.name, State::done, "removed (scale down)");
  }
}

// Inspects the dependency's container until `done` says it is ready (true) or throws; gives up
// after the dependency timeout. Polls soon, then backs off to 250 ms.
void Applier::await_dependency(const std::string& dependency, const std::string& container_id, std::string_view what,
                               const std::function<bool(const engine::ContainerInspect&)>& done) {
  const auto end = util::poll_until([&] { return done(client_.inspect_container(container_id)); },
                                    std::chrono::steady_clock::now() + options_.dependency_timeout,
                                    [this] { return should_stop(); }, {10ms, 250ms});
  if (end == util::PollEnd::timed_out)
    throw Error(ExitCode::unhealthy, fmt::format("dependency {} did not {} within {} s", dependency,
                                                 what, options_.dependency_timeout.count()));
}

void Applier::await_healthy(const std::string& dependency, const std::string& container_id) {
  await_dependency(dependency, container_id, "become healthy", [&](const engine::ContainerInspect& inspected) {
    if (inspected.state.health.empty() && inspected.state.running)
      throw Error(ExitCode::failed, fmt::format("service {} must be healthy first, but it has no healthcheck", dependency),
                  "add a healthcheck to it, or use condition: service_started");
    if (inspected.state.health == "unhealthy")
      throw Error(ExitCode::unhealthy, fmt::format("dependency {} is unhealthy", dependency));
    if (!inspected.state.running)
      throw Error(ExitCode::failed, fmt::format("dependency {} exited with code {}", dependency, inspected.state.exit_code));
    return inspected.state.health == "healthy";
  });
}

void Applier::await_completed(const std::string& dependency, const std::string& container_id) {
  await_dependency(dependency, container_id, "complete", [&](const engine::ContainerInspect& inspected) {
    if (inspected.state.running || inspected.state.status == "created") return false;
    if (inspected.state.exit_code != 0)
      throw Error(ExitCode::failed, fmt::format("dependency {} exited with code {}", dependency, inspected.state.exit_code));
    return true;
  });
}

std::map<std::string, std::string> Applier::await_dependencies(const Service& service) {
  std::map<std::string, std::string> containers;
  for (const auto& dependency : service.depends_on) {
    auto readiness = readiness_.find(dependency.service);
    if (readiness == readiness_.end()) {
      if (dependency.required)
        throw Error(ExitCode::failed, fmt::format("service {} depends on {}, which is not part of the stack",
                                                  service.name, dependency.service));
      continue;
    }
    std::string container_id;
    auto status = readiness->second.wait([this] { return should_stop(); }, &container_id);
    if (status != Readiness::Status::started) {
      if (should_stop()) return containers;
      throw Error(ExitCode::failed, fmt::format("not started because {} failed", dependency.service));
    }
    containers[dependency.service] = container_id;
    if (dependency.condition == DependencyCondition::service_healthy) await_healthy(dependency.service, container_id);
    if (dependency.condition == DependencyCondition::service_completed_successfully)
      await_completed(dependency.service, container_id);
  }
  return containers;
}

std::string Applier::create_and_connect(const Service& service, const ContainerSpec& spec) {
  const std::string id = client_.create_container(spec.name, spec.body, spec.platform);
  journal_.add_container(id, spec.name);
  for (const auto& [network, endpoint] : spec.extra_networks) client_.connect_network(network, id, endpoint);
  // Configs and secrets are copied in before start: the engine may not see the client's files.
  if (auto files = file_grants_tar(project_, service); !files.empty())
    client_.put_archive(id, "/", std::move(files), file_grants_set_owner(service));
  return id;
}

ServiceOutcome Applier::run_service(const ServicePlan& service_plan) {
  const Service& service = project_.services.at(service_plan.service);
  const std::string label = progress_label(service, service_plan.spec.number);
  const std::string task = "service:" + label;
  ServiceOutcome outcome{service.name, service_plan.action, service_plan.reason, service_plan.existing_id,
                         service_plan.spec.name};
  const auto dependencies = await_dependencies(service);
  if (should_stop()) return outcome;
  // "service:X" references name X's container as it is now (it may have been created by this run).
  ContainerSpec spec = service_plan.spec;
  if (!shared_services(service).empty()) {
    SpecOptions spec_options;
    spec_options.extra_labels = plan_options_.extra_labels;
    spec_options.api_version = plan_options_.api_version;
    spec_options.number = spec.number;
    spec_options.service_containers = dependencies;
    spec = container_spec(project_, service, spec_options);
  }
  switch (service_plan.action) {
    case ServiceAction::none:
      break;
    case ServiceAction::start:
      report(task, label, State::running, "starting");
      client_.start_container(service_plan.existing_id);
      break;
    case ServiceAction::create:
      report(task, label, State::running, "creating");
      outcome.container_id = create_and_connect(service, spec);
      report(task, label, State::running, "starting");
      client_.start_container(outcome.container_id);
      break;
    case ServiceAction::recreate: {
      report(task, label, State::running, fmt::format("recreating ({})", service_plan.reason));
      const bool was_running = service_plan.existing_state == "running";
      // Set the old container aside under another name, so it can be put back on failure. It is
      // journaled before it is stopped: whatever fails from here on, the undo starts it again.
      const std::string aside = fmt::format("{}_replaced_{}", service_plan.spec.name, service_plan.existing_id.substr(0, 12));
      const size_t entry = journal_.add_replaced(service_plan.existing_id, service_plan.spec.name, aside, was_running);
      if (was_running) client_.stop_container(service_plan.existing_id, service.stop_grace_period ? static_cast<int>(service.stop_grace_period->count()) : 10);
      client_.rename_container(service_plan.existing_id, aside);
      journal_.set_aside(entry);
      outcome.container_id = create_and_connect(service, spec);
      report(task, label, State::running, "starting");
      client_.start_container(outcome.container_id);
      break;
    }
  }
  report(task, label, State::done,
         service_plan.action == ServiceAction::none ? "running (unchanged)" : "started");
  return outcome;
}

void Applier::run_services(Plan& plan, ApplyResult& result) {
  for (const auto& [name, service] : project_.services) readiness_[name];
  for (const auto& service_plan : plan.services) readiness_[service_plan.service].expect();
  for (auto& [name, readiness] : readiness_) readiness.start_if_empty();
  std::vector<ServiceOutcome> outcomes(plan.services.size());
  util::parallel_for_each(plan.services.size(), [&](size_t i) {
    const auto& service_plan = plan.services[i];
    auto& readiness = readiness_.at(service_plan.service);
    // Every failure is recorded here, so the services waiting on this one are released.
    try {
      outcomes[i] = run_service(service_plan);
      if (should_stop()) readiness.failed();
      else readiness.started(service_plan.spec.number, outcomes[i].container_id);
    } catch (const Error& error) {
      readiness.failed();
      if (cancelled()) return;
      const auto label = progress_label(project_.services.at(service_plan.service), service_plan.spec.number);
      report("service:" + label, label, State::failed, error.what());
      record_failure(fmt::format("{}: {}", service_plan.service, error.what()), error.hint());
    } catch (const std::exception& error) {
      readiness.failed();
      record_failure(fmt::format("{}: {}", service_plan.service, error.what()), {});
    } catch (...) {
      readiness.failed();
      record_failure(fmt::format("{}: an unexpected failure", service_plan.service), {});
    }
  });
  result.services = std::move(outcomes);
}

std::vector<std::string> Applier::rollback() {
  auto failures = journal_.undo(client_);
  for (const auto& failure : failures) report("rollback", "rollback", State::failed, failure);
  return failures;
}

// What the undo did, for the end of the error message.
std::string undo_summary(const std::vector<std::string>& failures, bool replaced_any) {
  if (failures.empty())
    return replaced_any ? "everything this run created was removed and the containers it replaced were put back"
                        : "everything this run created was removed";
  std::string joined;
  for (const auto& failure : failures) joined += (joined.empty() ? "" : "; ") + failure;
  return "undoing it failed: " + joined;
}

void Applier::interrupted() {
  const auto undo_failures = rollback();
  throw Interrupted(fmt::format("interrupted ({})", undo_summary(undo_failures, journal_.replaced_any())),
                    undo_failures.empty() ? "" : "remove what is listed by hand (or run `ollama-stack stop`)");
}

ApplyResult Applier::run() {
  ApplyResult result;
  plan_options_ = options_.plan;
  plan_options_.api_version = client_.api_version();
  plan_options_.now = std::chrono::system_clock::now();
  Observed observed = observe(client_, project_);
  Plan plan = make_plan(project_, observed, plan_options_);
  if (!plan.missing_external.empty()) {
    std::string names;
    for (const auto& name : plan.missing_external) names += (names.empty() ? "" : ", ") + name;
    throw ConfigError(fmt::format("external network or volume not found: {}", names),
                      "create it first (docker network create / docker volume create), or drop `external: true`");
  }
  if (!plan.missing_images.empty()) {
    std::string names;
    for (const auto& name : plan.missing_images) names += (names.empty() ? "" : ", ") + name;
    throw ConfigError(fmt::format("image not on the engine, and its pull_policy is never: {}", names),
                      "load or build the image on the engine, or change pull_policy");
  }
  result.changed = plan.changes_anything();
  try {
    create_networks_and_volumes(plan, result);
    pull_and_build(plan, result);
    if (!failed_.load()) {
      if (!result.pulled_images.empty() || !result.built_images.empty()) {
        // New images may change what must be recreated.
        observed = observe(client_, project_);
        plan = make_plan(project_, observed, plan_options_);
        result.changed = result.changed || plan.changes_anything();
      }
      remove_orphans(plan, result);
      remove_surplus(plan, result);
      run_services(plan, result);
    }
    check_cancel();
  } catch (const Interrupted&) {
    interrupted();
  } catch (const Error& error) {
    record_failure(error.what(), error.hint());
  } catch (const std::exception& error) {
    record_failure(fmt::format("unexpected failure: {}", error.what()), {});
  }
  if (cancelled()) interrupted();
  if (failed_.load()) {
    const auto undo_failures = rollback();
    std::string message = failures_.size() == 1 ? failures_.front() : "";
    if (failures_.size() > 1) {
      message = fmt::format("{} steps failed: ", failures_.size());
      for (size_t i = 0; i < failures_.size(); ++i) message += (i ? "; " : "") + failures_[i];
    }
    message += " (" + undo_summary(undo_failures, journal_.replaced_any()) + ")";
    if (!undo_failures.empty())
      throw Error(ExitCode::failed, message,
                  "remove what is listed by hand (or run `ollama-stack stop`), then start again");
    throw Error(ExitCode::failed, message, first_hint_);
  }
  // Success: the containers set aside during recreate are no longer needed.
  (void)journal_.discard_replaced(client_);  // a leftover is an orphan that the next apply removes
  return result;
}

}  // namespace

ApplyResult apply(engine::Client& client, const Project& project, const ApplyOptions& options) {
  return Applier(client, project, options).run();
}

}  // namespace ollama_stack::compose
