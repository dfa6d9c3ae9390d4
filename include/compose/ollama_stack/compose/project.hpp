#pragma once
// The resolved compose model: what the load → interpolate → merge → validate stages produce and
// what plan/apply turn into engine calls. Every value here is already checked and normalised:
// paths are absolute, durations are nanoseconds, sizes are bytes, ranges are expanded.
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ollama_stack::compose {

struct PortMapping {
  std::string host_ip;         // "" = all interfaces
  uint16_t published = 0;      // 0 = not published, or ephemeral when `ephemeral`
  bool ephemeral = false;      // published port chosen by the engine ("8080" short form)
  uint16_t published_last = 0;  // a host range ("8000-8010:80"): the engine picks one of it
  uint16_t target = 0;
  std::string protocol = "tcp";  // tcp | udp | sctp
  bool operator==(const PortMapping&) const = default;
};

struct Mount {
  enum class Type { volume, bind, tmpfs, npipe, image };
  Type type = Type::volume;
  // volume: the project's volume key ("" = anonymous); bind: absolute host path; image: reference
  std::string source;
  std::string target;  // absolute path in the container
  bool read_only = false;
  std::string consistency;            // accepted, ignored by the engine on Linux
  std::string bind_propagation;       // bind: rprivate, private, rshared, shared, rslave, slave
  bool bind_create_host_path = true;  // bind: short syntax and the default create a missing source
  std::string bind_selinux;           // bind: "z" or "Z"
  bool volume_nocopy = false;         // volume: do not copy the image's files into a new volume
  std::string volume_subpath;         // volume: mount this path inside the volume (API 1.45)
  int64_t tmpfs_size = 0;             // tmpfs: bytes, 0 = unlimited
  int tmpfs_mode = 0;                 // tmpfs: permission bits, 0 = the engine's default (1777)
  std::string image_subpath;          // image: mount this path inside the image (API 1.48)
  bool operator==(const Mount&) const = default;
};

struct Healthcheck {
  std::vector<std::string> test;  // ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"] (disabled)
  std::chrono::nanoseconds interval{0};  // 0 = engine default
  std::chrono::nanoseconds timeout{0};
  std::chrono::nanoseconds start_period{0};
  std::chrono::nanoseconds start_interval{0};  // needs API 1.44 (Docker Engine 25)
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
  std::string ipv4_address;
  std::string ipv6_address;
  std::vector<std::string> link_local_ips;
  std::string
      mac_address;  // the endpoint's MAC address (API 1.44; older engines: Config.MacAddress)
  std::map<std::string, std::string> driver_opts;
  int priority = 0;            // order of connection: highest first (then by key)
  int gw_priority = 0;         // default gateway choice (API 1.48)
  std::string interface_name;  // (API 1.49)
  bool operator==(const ServiceNetwork&) const = default;
};

struct Build {
  std::string context;     // absolute directory, or a URL the engine fetches (git, https)
  std::string dockerfile;  // relative to context; "" = "Dockerfile"
  std::string dockerfile_inline;  // the Dockerfile's text, sent inside the context
  std::map<std::string, std::string> args;
  std::string target;
  std::string network;  // RUN instructions' network mode (networkmode)
  std::map<std::string, std::string> labels;
  std::vector<std::string> tags;         // more names for the built image
  std::vector<std::string> cache_from;   // images to use as cache sources
  std::vector<std::string> extra_hosts;  // "host:ip"
  std::string platform;                  // the one platform to build for ("" = the engine's)
  std::string isolation;
  int64_t shm_size_bytes = 0;
  std::vector<Ulimit> ulimits;
  bool no_cache = false;
  bool pull = false;  // always pull the base images
  bool operator==(const Build&) const = default;
};

struct Logging {
  std::string driver;  // "" = the engine's default
  std::map<std::string, std::string> options;
  bool operator==(const Logging&) const = default;
};

struct BlkioDevice {  // blkio_config entries: a device path and a weight or a rate
  std::string path;
  int64_t value = 0;
  bool operator==(const BlkioDevice&) const = default;
};

struct Blkio {
  int weight = 0;  // 10-1000, 0 = unset
  std::vector<BlkioDevice> weight_device;
  std::vector<BlkioDevice> device_read_bps;
  std::vector<BlkioDevice> device_read_iops;
  std::vector<BlkioDevice> device_write_bps;
  std::vector<BlkioDevice> device_write_iops;
  bool operator==(const Blkio&) const = default;
};

// A service's grant of a top-level config or secret: the file `target` in the container gets the
// object's content, owned by uid:gid, with `mode`.
struct FileGrant {
  std::string source;  // the top-level key
  std::string target;  // absolute path in the container
  std::string uid;     // "" = root
  std::string gid;
  int mode = 0444;
  bool operator==(const FileGrant&) const = default;
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

  // Container config
  std::string hostname;
  std::string domainname;
  std::string mac_address;
  std::string stop_signal;
  std::vector<std::string> expose;  // "8080/tcp", one entry a port (ranges expanded)
  std::string platform;             // "os[/arch[/variant]]": create and pull for it
  std::string pull_policy;          // "", always, never, missing, build, or refresh ("daily" ...)
  std::chrono::seconds pull_refresh{0};  // refresh policies: pull when the image is older than this

  // Namespaces and process: "service:NAME" refers to another service's first container.
  std::string
      network_mode;    // "" = the service's networks; host, none, bridge, service:X, container:X
  std::string ipc;     // shareable, private, host, none, service:X, container:X
  std::string pid;     // host, service:X, container:X
  std::string uts;     // host
  std::string cgroup;  // host | private (cgroup namespace)
  std::string userns_mode;
  std::optional<bool> init;  // nullopt = the engine's default
  bool privileged = false;
  bool read_only = false;
  std::string runtime;
  std::string isolation;
  std::vector<std::string> cap_drop;
  std::vector<std::string> device_cgroup_rules;
  std::map<std::string, std::string> sysctls;
  std::map<std::string, std::string> storage_opt;
  std::map<std::string, std::string> annotations;  // API 1.43
  std::vector<std::string> tmpfs;                  // "path" or "path:options"
  std::vector<std::string> volumes_from;           // "service[:ro|rw]" or "container:name[:ro|rw]"
  std::vector<std::string> links;                  // "service" or "service:alias"
  std::vector<std::string> external_links;         // "container" or "container:alias"
  std::vector<std::string> dns;
  std::vector<std::string> dns_search;
  std::vector<std::string> dns_opt;
  std::optional<Logging> logging;

  // Resources beyond memory and CPUs
  int64_t cpu_shares = 0;
  int64_t cpu_period = 0;      // microseconds
  int64_t cpu_quota = 0;       // microseconds
  int64_t cpu_rt_period = 0;   // microseconds
  int64_t cpu_rt_runtime = 0;  // microseconds
  int64_t cpu_count = 0;       // Windows
  int64_t cpu_percent = 0;     // Windows
  std::string cpuset;
  std::string cgroup_parent;
  int64_t memswap_limit = 0;  // -1 = unlimited swap, 0 = unset
  std::optional<int64_t> mem_swappiness;
  std::optional<bool> oom_kill_disable;
  int oom_score_adj = 0;
  std::optional<int64_t> pids_limit;  // -1 = unlimited
  Blkio blkio;

  int replicas = 1;  // deploy.replicas / scale: containers <project>-<service>-1..N
  std::vector<FileGrant> configs;
  std::vector<FileGrant> secrets;

  nlohmann::json extensions = nlohmann::json::object();  // x-* fields, as written
  std::string defined_in;  // file that last defined the service (for error messages)
};

struct IpamPool {
  std::string subnet;
  std::string ip_range;
  std::string gateway;
  std::map<std::string, std::string> aux_addresses;
  bool operator==(const IpamPool&) const = default;
};

struct Ipam {
  std::string driver;  // "" = default
  std::vector<IpamPool> config;
  std::map<std::string, std::string> options;
  bool operator==(const Ipam&) const = default;
};

struct Network {
  std::string key;   // name under top-level `networks:`
  std::string name;  // engine name: `name:` or "<project>_<key>"
  std::string driver = "bridge";
  bool external = false;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> driver_opts;
  std::optional<Ipam> ipam;
  bool internal = false;
  bool attachable = false;
  std::optional<bool> enable_ipv4;  // API 1.47
  std::optional<bool> enable_ipv6;
};

struct Volume {
  std::string key;
  std::string name;  // engine name: `name:` or "<project>_<key>"
  std::string driver = "local";
  bool external = false;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> driver_opts;
};

// A top-level config or secret: its content, read on the client when the project is loaded (the
// engine may be on another machine) and copied into each container that is granted it.
struct FileObject {
  std::string key;
  std::string name;  // `name:` or "<project>_<key>" (shown only)
  std::string
      origin;  // where the content came from: "file /abs/path", "environment VAR", "content"
  std::string content;
  std::map<std::string, std::string> labels;
  // Why the content could not be read ("" = it was): an error only for a service that is granted
  // the object, as Docker Compose fails only when it injects it.
  std::string problem;
};

struct Project {
  std::string name;
  std::string working_dir;                // directory of the first file
  std::vector<std::string> config_files;  // as given, in merge order
  std::map<std::string, Service> services;
  std::map<std::string, Network> networks;  // always holds "default" unless every service opts out
  std::map<std::string, Volume> volumes;
  std::map<std::string, FileObject> configs;
  std::map<std::string, FileObject> secrets;
};

// The engine-side name of a service's container number `number` (1-based).
std::string container_name(const Project& project, const Service& service, int number = 1);

// The service a "service:NAME" mode refers to ("" for any other value).
std::string service_reference(std::string_view mode);

// The services this service shares a namespace or volumes with (network_mode, ipc, pid, uts,
// cgroup "service:X" and volumes_from services), without duplicates, in that order.
std::vector<std::string> shared_services(const Service& service);

}  // namespace ollama_stack::compose
