#pragma once
// What state the stack is in: one entry per service — container state, health, published ports,
// URL, CPU and memory, uptime, image. Engine calls and probes run in parallel.
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/stack/health.hpp"
#include "ollama_stack/stack/home/session.hpp"

namespace ollama_stack::stack {

struct StatusPort {
  std::string host_ip;
  int host_port = 0;
  int container_port = 0;
  std::string protocol;
};

struct ServiceStatus {
  std::string name;
  std::string title;
  std::string container;      // "" when the service has no container
  int replica = 0;            // the container's number (deploy.replicas: one row each); 0 = none
  std::string state;          // "running", "exited", …, or "not created"
  std::string health;         // "healthy", "starting", "unhealthy", "stopped"
  std::string reason;         // why not healthy
  std::vector<StatusPort> ports;
  std::string url;
  std::optional<double> cpu_percent;  // nullopt: not measured (--no-stats or not running)
  std::optional<uint64_t> memory_bytes;
  std::optional<uint64_t> memory_limit_bytes;
  std::optional<int64_t> uptime_seconds;
  std::string image;
};

struct StackStatus {
  std::string project;
  bool running = false;  // at least one container running
  bool healthy = false;  // every service running and healthy
  std::vector<ServiceStatus> services;
  std::vector<std::string> warnings;  // e.g. compose files could not be loaded
};

struct StatusOptions {
  bool stats = true;
  // CPU % is measured over this window: short, because status runs in prompts and loops (docker
  // stats takes ~1 s); bench/run.sh holds status --json to 200 ms.
  std::chrono::milliseconds cpu_window{100};
};

StackStatus stack_status(Session& session, const StatusOptions& options);

}  // namespace ollama_stack::stack
