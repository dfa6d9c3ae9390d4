#pragma once
// Plan: compare the project with what the engine has (found by the project label) and decide
// what to do. Pure: the observation is gathered separately (observe()), so every decision is
// unit-testable.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/compose/container_spec.hpp"
#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::engine {
class Client;
}

namespace ollama_stack::compose {

// What the engine has for a project.
struct Observed {
  std::vector<engine::ContainerSummary> containers;  // with the project label, oneoff excluded
  std::map<std::string, engine::NetworkInfo> networks;  // engine name -> network
  std::map<std::string, engine::VolumeInfo> volumes;    // engine name -> volume
  std::map<std::string, std::string> images;            // reference -> image id (present ones)
  std::map<std::string, int64_t> image_tag_times;  // reference -> when it was last tagged (unix s)
};

enum class ServiceAction { none, create, recreate, start };

// One container of a service: services with replicas have one ServicePlan per replica
// (spec.number 1..N).
struct ServicePlan {
  std::string service;
  ServiceAction action = ServiceAction::none;
  std::string reason;           // "not created", "configuration changed", "image changed", "exited"
  std::string existing_id;      // for recreate/start/none
  std::string existing_state;   // engine state of the existing container
  ContainerSpec spec;
};

struct Plan {
  std::vector<std::string> networks_to_create;  // project network keys
  std::vector<std::string> volumes_to_create;   // project volume keys
  std::vector<std::string> images_to_pull;      // references absent from the engine
  std::vector<std::string> images_to_build;     // services with `build:` whose image is absent
  std::vector<ServicePlan> services;            // in dependency order, replicas in number order
  std::vector<engine::ContainerSummary> orphans;  // containers of services no longer defined
  // Replicas beyond a service's count (scale down), highest numbers first.
  std::vector<engine::ContainerSummary> surplus;
  std::map<std::string, std::string> pull_platforms;  // image reference -> platform to pull for
  // Images a service needs that are absent while its pull_policy is never: "image (service)".
  std::vector<std::string> missing_images;
  // Engine names of external networks/volumes that do not exist (apply refuses to run).
  std::vector<std::string> missing_external;

  bool changes_anything() const;
};

struct PlanOptions {
  std::map<std::string, std::string> extra_labels;  // installation/component labels
  bool remove_orphans = true;
  bool pull_always = false;  // pull every image (update), not only absent ones
  std::string api_version = "1.41";  // the negotiated Engine API version (see SpecOptions)
  // For pull_policy daily / weekly / every_<duration>: the time to compare image ages with.
  std::chrono::system_clock::time_point now{};
};

Plan make_plan(const Project& project, const Observed& observed, const PlanOptions& options);

// Services in dependency order (dependencies first). Throws ConfigError on a cycle.
std::vector<std::string> dependency_order(const Project& project);

// Reads the engine's side of a project: containers, networks and volumes carrying its label (and
// the networks/volumes the project names, labelled or not), and which images are present.
Observed observe(engine::Client& client, const Project& project);

}  // namespace ollama_stack::compose
