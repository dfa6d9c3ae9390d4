#pragma once
// Which platform the stack runs on, decided from the engine: cpu, nvidia (GPUs through the
// engine's nvidia device driver or through CDI), amd (ROCm image with /dev/kfd and /dev/dri) or
// apple (native Ollama beside Docker Desktop on Apple silicon). The engine's /info is the
// authority; this machine's own facts (driver files, /dev nodes) count only when the engine runs
// here. Gathering the facts is separate from the pure decision.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::stack {

enum class Platform { cpu, nvidia, amd, apple };

std::string to_string(Platform platform);
// "cpu" | "nvidia" | "amd" | "apple" -> platform; "auto" or "" -> nullopt. Throws Error (usage)
// otherwise.
std::optional<Platform> parse_platform(const std::string& text);
// Every value --platform takes, "auto" first.
const std::vector<std::string>& platform_choices();

// How the nvidia platform asks the engine for GPUs.
enum class NvidiaRequest {
  driver,  // DeviceRequests driver "nvidia" (the engine runs nvidia-container-runtime-hook)
  cdi,     // DeviceRequests driver "cdi", device nvidia.com/gpu=all (engines with CDI specs only)
};
std::string to_string(NvidiaRequest request);

// What the engine says about itself (GET /info).
struct EngineFacts {
  std::string os_type;           // "linux", "windows"
  std::string architecture;      // "x86_64", "aarch64"
  std::string operating_system;  // "Debian GNU/Linux 12 (bookworm)", "Docker Desktop"
  std::string name;              // the engine host's name
  std::string server_version;
  std::vector<std::string> runtimes;       // "nvidia" once nvidia-ctk configured the engine
  std::vector<std::string> cdi_spec_dirs;  // API 1.44+; empty: CDI off or an older engine
  std::optional<std::vector<std::string>> discovered_devices;  // API 1.50+: CDI device names
};

// This machine's own GPU facts; they describe the engine's host only when the engine runs here.
struct LocalFacts {
  std::string nvidia_driver;  // what shows the NVIDIA driver ("/proc/driver/nvidia/version",
                              // "nvidia-smi"), "" = none
  std::string nvidia_hook;    // path of nvidia-container-runtime-hook, "" = not installed
  std::string
      nvidia_cdi_spec;   // a CDI spec naming nvidia.com/gpu in the engine's CDI dirs, "" = none
  bool amd_kfd = false;  // /dev/kfd exists (the amdgpu driver's compute interface)
  bool amd_dri = false;  // /dev/dri exists
  std::optional<unsigned> kfd_gid;  // the group owning /dev/kfd (render on current distributions)
};

struct PlatformFacts {
  std::string client_os;              // this machine: "linux", "darwin"
  std::string client_arch;            // "x86_64", "arm64"
  std::string client_host;            // this machine's host name
  std::string endpoint;               // the engine endpoint, e.g. "unix:///var/run/docker.sock"
  bool endpoint_local = false;        // a Unix socket or a loopback address
  std::optional<EngineFacts> engine;  // nullopt: /info could not be read
  std::optional<LocalFacts> local;    // set only when the engine runs on this machine
};

// True when the engine runs on this machine: a local endpoint, and /info names this host (an
// engine behind a local socket in a VM or another namespace has its own host name).
bool engine_runs_here(const PlatformFacts& facts);

struct PlatformDecision {
  Platform platform = Platform::cpu;
  NvidiaRequest nvidia_request = NvidiaRequest::driver;  // meaningful on nvidia only
  std::string chosen_by = "detected";                    // "detected" or "--platform"
  std::string reason;                                    // why, in a few words
  std::vector<std::string> evidence;   // the facts the choice rests on, one line each
  std::vector<std::string> warnings;   // e.g. GPU present but the container toolkit is missing
  std::optional<unsigned> render_gid;  // amd: the engine host's /dev/kfd group, when known
};

// One line for people: "nvidia (the engine has the nvidia runtime; GPUs through CDI (…))".
std::string describe(const PlatformDecision& decision);

PlatformDecision decide_platform(const PlatformFacts& facts);
// --platform given: the user's platform, with the request style and groups still from the facts.
PlatformDecision choose_platform(Platform platform, const PlatformFacts& facts);

// Reads this machine's facts; `info` (may be null) gives the engine's, `endpoint` its address
// (engine::Client::describe()). Local GPU facts are gathered only when the engine runs here.
PlatformFacts gather_platform_facts(const engine::EngineInfo* info, const std::string& endpoint);

}  // namespace ollama_stack::stack
