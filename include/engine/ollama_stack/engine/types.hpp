#pragma once
// Typed views of the engine's answers: only the fields the product reads, plus the raw JSON for
// anything else.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ollama_stack::engine {

// `filters` query parameter: key -> values (ANDed by the engine).
using Filters = std::map<std::string, std::vector<std::string>>;
using Labels = std::map<std::string, std::string>;

struct PingResult {
  std::string api_version;  // "1.41"
  std::string os_type;      // "linux"
  std::string server;       // "Docker/20.10.24 (linux)"
};

struct VersionInfo {
  std::string version;          // "20.10.24"
  std::string api_version;      // "1.41"
  std::string min_api_version;  // "1.12"
  std::string os;
  std::string arch;
  std::string kernel_version;
};

struct EngineInfo {
  std::string server_version;
  std::string name;  // the engine host's name
  std::string os_type;
  std::string operating_system;
  std::string architecture;
  int ncpu = 0;
  int64_t mem_total = 0;
  std::string cgroup_version;
  std::string docker_root_dir;
  std::string default_runtime;
  std::vector<std::string> runtimes;
  std::vector<std::string> cdi_spec_dirs;                      // API 1.44+
  std::optional<std::vector<std::string>> discovered_devices;  // CDI device names, API 1.50+
  nlohmann::json raw;
};

struct PortBinding {
  std::string ip;
  uint16_t private_port = 0;
  uint16_t public_port = 0;  // 0 = not published
  std::string type;          // "tcp"
};

// A mount as the engine reports it on a container.
struct MountPoint {
  std::string type;         // "volume", "bind", "tmpfs"
  std::string name;         // volumes: the volume's name
  std::string source;       // binds: the host path
  std::string destination;  // path in the container
  bool read_write = true;
};

struct ContainerSummary {
  std::string id;
  std::string name;  // without the leading '/'
  std::string image;
  std::string image_id;
  std::string state;   // "running", "exited", "created", ...
  std::string status;  // "Up 21 seconds (healthy)"
  int64_t created = 0;
  Labels labels;
  std::vector<PortBinding> ports;
  std::vector<std::string> networks;  // names of the networks it is connected to
  std::vector<MountPoint> mounts;
};

struct HealthLogEntry {
  int exit_code = 0;
  std::string output;
};

struct ContainerState {
  std::string status;  // created, running, paused, restarting, removing, exited, dead
  bool running = false;
  int exit_code = 0;
  int pid = 0;  // the main process on the engine's host; 0 when not running
  bool oom_killed = false;
  std::string error;
  std::string started_at;   // RFC 3339
  std::string finished_at;  // RFC 3339
  std::string health;       // "", "starting", "healthy", "unhealthy"
  int failing_streak = 0;
  std::vector<HealthLogEntry> health_log;
};

struct ContainerInspect {
  std::string id;
  std::string name;      // without the leading '/'
  std::string image_id;  // "sha256:…"
  std::string image;     // Config.Image as requested
  bool tty = false;
  Labels labels;
  std::vector<std::string> env;
  ContainerState state;
  std::vector<PortBinding> ports;        // NetworkSettings.Ports
  std::vector<std::string> networks;     // names
  int64_t memory_limit = 0;              // HostConfig.Memory
  nlohmann::json raw;
};

struct NetworkInfo {
  std::string id;
  std::string name;
  std::string driver;
  Labels labels;
  std::vector<std::string> containers;  // ids (inspect only)
};

struct VolumeInfo {
  std::string name;
  std::string driver;
  std::string mountpoint;
  Labels labels;
  int64_t size = -1;  // bytes when known (system df), else -1
};

struct ImageInfo {
  std::string id;
  std::vector<std::string> repo_tags;
  int64_t size = 0;
  int64_t created = 0;  // unix seconds
  Labels labels;
  int64_t last_tag_time = 0;  // unix seconds of Metadata.LastTagTime (inspect only; 0 = unknown)
};

// POST /networks/create beyond name, driver and labels.
struct NetworkOptions {
  std::string driver;  // "" = bridge
  Labels labels;
  std::map<std::string, std::string> driver_opts;
  bool internal = false;
  bool attachable = false;
  std::optional<bool> enable_ipv4;  // API 1.47
  std::optional<bool> enable_ipv6;
  nlohmann::json ipam;  // the IPAM object as the engine takes it; null = default
};

// POST /build parameters (the classic builder).
struct BuildOptions {
  std::string tag;  // the image's name
  std::vector<std::string> more_tags;
  std::string dockerfile;  // path inside the context ("" = Dockerfile)
  std::map<std::string, std::string> args;
  std::string target;
  std::string network;  // networkmode of RUN instructions
  std::map<std::string, std::string> labels;
  std::vector<std::string> cache_from;
  std::vector<std::string> extra_hosts;  // "host:ip"
  std::string platform;
  std::string isolation;
  int64_t shm_size = 0;
  bool no_cache = false;
  bool pull = false;
  nlohmann::json ulimits;  // [{Name, Soft, Hard}] or null
  std::string remote;      // a git or https URL the engine fetches instead of the tar context
};

// One line of a pull or build stream.
struct ProgressEvent {
  std::string id;      // layer id (pull) or "" (build)
  std::string status;  // "Downloading", "Pull complete", build output line…
  int64_t current = 0;
  int64_t total = 0;   // 0 = unknown
};

// One stats sample; compute_usage() turns two of them into what `docker stats` shows.
struct StatsSample {
  uint64_t cpu_total = 0;     // cpu_stats.cpu_usage.total_usage
  uint64_t system_cpu = 0;    // cpu_stats.system_cpu_usage
  uint64_t pre_cpu_total = 0; // precpu_stats (zero for one-shot samples)
  uint64_t pre_system_cpu = 0;
  int online_cpus = 0;
  uint64_t memory_usage = 0;
  uint64_t memory_inactive_file = 0;  // total_inactive_file (v1) or inactive_file (v2)
  uint64_t memory_limit = 0;
  uint64_t net_rx = 0;
  uint64_t net_tx = 0;
  std::string read;  // RFC 3339 time of the sample
};

struct ResourceUsage {
  double cpu_percent = 0;
  uint64_t memory_used = 0;
  uint64_t memory_limit = 0;
  double memory_percent = 0;
  uint64_t net_rx = 0;
  uint64_t net_tx = 0;
};

struct ExecResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

struct Event {
  std::string type;    // "container", "network", ...
  std::string action;  // "start", "die", "health_status: healthy", ...
  std::string id;
  Labels attributes;
  int64_t time_nano = 0;
};

}  // namespace ollama_stack::engine
