#pragma once
// The resolved compose model: what the load → interpolate → merge → validate stages produce and
// what plan/apply turn into engine calls. Every value here is already checked and normalised:
// paths are absolute, durations are nanoseconds, sizes are bytes, ranges are expanded.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ollama_stack::compose {

struct PortMapping {
  std::string host_ip;         // "" = all interfaces
  uint16_t published = 0;      // 0 = not published, or ephemeral when `ephemeral`
  bool ephemeral = false;      // published port chosen by the engine ("8080" short form)
  uint16_t target = 0;
  std::string protocol = "tcp";  // tcp | udp | sctp
  bool operator==(const PortMapping&) const = default;
};

struct Mount {
  enum class Type { volume, bind, tmpfs };
  Type type = Type::volume;
  std::string source;  // volume: the project's volume key ("" = anonymous); bind: absolute host path
  std::string target;  // absolute path in the container
  bool read_only = false;
  bool operator==(const Mount&) const = default;
};

struct Healthcheck {
  std::vector<std::string> test;  // ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"] (disabled)
  std::chrono::nanoseconds interval{0};  // 0 = engine default
  std::chrono::nanoseconds timeout{0};
  std::chrono::nanoseconds start_period{0};
  int retries = 0;
  bool operator==(const Healthcheck&) const = default;
};

enum class DependencyCondition { service_started, service_healthy, service_completed_successfully };

struct Dependency {
  std::string service;
  DependencyCondition condition = DependencyCondition::service_started;
  bool required = true;
  bool restart = false;
  bool operator==(const Dependency&) const = default;
};

struct DeviceRequest {  // deploy.resources.reservations.devices[] and `gpus:`
  std::string driver;                     // e.g. "nvidia"
  int count = -1;                         // -1 = all
  std::vector<std::string> device_ids;
  std::vector<std::string> capabilities;  // e.g. ["gpu"]
  std::map<std::string, std::string> options;
  bool operator==(const DeviceRequest&) const = default;
};

struct DeviceMapping {  // `devices:` "/dev/x:/dev/y:rwm"
  std::string host_path;
  std::string container_path;
  std::string permissions = "rwm";
  bool operator==(const DeviceMapping&) const = default;
};

struct Ulimit {
  std::string name;
  int64_t soft = 0;
  int64_t hard = 0;
  bool operator==(const Ulimit&) const = default;
};

struct ServiceNetwork {
  std::string key;  // the project's network key
  std::vector<std::string> aliases;
  bool operator==(const ServiceNetwork&) const = default;
};

struct Build {
  std::string context;     // absolute directory
  std::string dockerfile;  // relative to context; "" = "Dockerfile"
  std::map<std::string, std::string> args;
  std::string target;
  bool operator==(const Build&) const = default;
};

struct Service {
  std::string name;
  std::string image;  // always set: `build` without `image` gets "<project>-<service>"
  std::optional<Build> build;
  std::string container_name;                          // "" = "<project>-<service>-1"
  std::optional<std::vector<std::string>> command;     // nullopt = the image's; [] = cleared
  std::optional<std::vector<std::string>> entrypoint;  // nullopt = the image's
  std::map<std::string, std::string> environment;      // env_file entries merged in, then `environment`
  std::vector<PortMapping> ports;
  std::vector<Mount> volumes;
  std::vector<ServiceNetwork> networks;  // never empty after loading: "default" when unspecified
  std::map<std::string, std::string> labels;
  std::optional<Healthcheck> healthcheck;
  std::string restart;  // "", "no", "always", "unless-stopped", "on-failure" or "on-failure:N"
  int64_t memory_bytes = 0;              // mem_limit / deploy.resources.limits.memory
  int64_t memory_reservation_bytes = 0;  // deploy.resources.reservations.memory
  int64_t nano_cpus = 0;                 // cpus / deploy.resources.limits.cpus
  int64_t shm_size_bytes = 0;
  std::vector<DeviceRequest> device_requests;
  std::vector<Dependency> depends_on;
  std::vector<std::string> extra_hosts;  // "host:ip" (ip may be "host-gateway")
  std::string working_dir;
  std::string user;
  bool tty = false;
  bool stdin_open = false;
  std::vector<DeviceMapping> devices;
  std::vector<Ulimit> ulimits;
  std::vector<std::string> cap_add;
  // Supplementary groups: names from the image's /etc/group, or ids.
  std::vector<std::string> group_add;
  std::vector<std::string> security_opt;
  std::vector<std::string> profiles;
  std::optional<std::chrono::seconds> stop_grace_period;
  nlohmann::json extensions = nlohmann::json::object();  // x-* fields, as written
  std::string defined_in;  // file that last defined the service (for error messages)
};

struct Network {
  std::string key;   // name under top-level `networks:`
  std::string name;  // engine name: `name:` or "<project>_<key>"
  std::string driver = "bridge";
  bool external = false;
  std::map<std::string, std::string> labels;
};

struct Volume {
  std::string key;
  std::string name;  // engine name: `name:` or "<project>_<key>"
  std::string driver = "local";
  bool external = false;
  std::map<std::string, std::string> labels;
};

struct Project {
  std::string name;
  std::string working_dir;                // directory of the first file
  std::vector<std::string> config_files;  // as given, in merge order
  std::map<std::string, Service> services;
  std::map<std::string, Network> networks;  // always holds "default" unless every service opts out
  std::map<std::string, Volume> volumes;
};

// The engine-side container name of a service.
std::string container_name(const Project& project, const Service& service);

}  // namespace ollama_stack::compose
