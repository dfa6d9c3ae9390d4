#pragma once
// Apply: make the engine match the project — networks, volumes, images, then containers in
// dependency order (independent services in parallel). On any failure or on cancellation
// everything this run created is undone (containers, networks; volumes are never touched) and
// containers it was replacing are put back.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "ollama_stack/compose/plan.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::engine {
class Client;
}

namespace ollama_stack::compose {

struct ApplyOptions {
  PlanOptions plan;
  ProgressCallback progress;           // may be empty
  std::function<bool()> cancelled;     // polled; true = stop and undo
  std::chrono::seconds dependency_timeout{120};  // for service_healthy / completed conditions
};

// One container of a service (services with replicas have one outcome per replica).
struct ServiceOutcome {
  std::string service;
  ServiceAction action = ServiceAction::none;
  std::string reason;
  std::string container_id;
  std::string container_name;
};

struct ApplyResult {
  bool changed = false;
  std::vector<ServiceOutcome> services;  // dependency order
  std::vector<std::string> created_networks;
  std::vector<std::string> created_volumes;
  std::vector<std::string> pulled_images;
  std::vector<std::string> built_images;
  std::vector<std::string> removed_orphans;
  std::vector<std::string> removed_surplus;  // replicas beyond a service's count (scale down)
};

// Throws Error (exit 1) naming what failed and why, Interrupted (exit 130) when cancelled, or
// ConfigError for a project the engine cannot run (missing external network/volume).
ApplyResult apply(engine::Client& client, const Project& project, const ApplyOptions& options);

struct DownOptions {
  int stop_timeout_seconds = -1;  // -1 = each container's own stop_grace_period (default 10 s)
  bool remove_volumes = false;    // the project's labelled, non-external volumes
  ProgressCallback progress;
};

struct DownResult {
  std::vector<std::string> removed_containers;  // names
  std::vector<std::string> removed_networks;
  std::vector<std::string> removed_volumes;
};

// Stops and removes the project's containers (reverse dependency order, parallel where
// independent) and networks; volumes stay unless asked. Finds everything by the project label,
// so it works without the compose files.
DownResult down(engine::Client& client, const std::string& project_name, const DownOptions& options);

}  // namespace ollama_stack::compose
