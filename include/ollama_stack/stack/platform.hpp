#pragma once
// Which compose override the stack needs on this machine: apple (native Ollama on macOS/arm64),
// nvidia (GPU driver present AND the engine can run GPU containers), or cpu.
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::stack {

enum class Platform { cpu, nvidia, apple };

std::string to_string(Platform platform);
// "cpu" | "nvidia" | "apple" -> platform; "auto" -> nullopt. Throws Error (usage) otherwise.
std::optional<Platform> parse_platform(const std::string& text);

// What detection looks at, gathered separately so the decision is a pure function.
struct PlatformFacts {
  std::string host_os;    // "linux", "darwin", "windows"
  std::string host_arch;  // "x86_64", "arm64", "aarch64"
  bool nvidia_driver = false;       // nvidia-smi -L works or /proc/driver/nvidia/version exists
  std::vector<std::string> engine_runtimes;  // from /info
  bool engine_cdi_nvidia = false;   // a CDI spec for nvidia.com/gpu is known to the engine
};

struct PlatformDecision {
  Platform platform = Platform::cpu;
  std::string reason;                 // why, in a few words
  std::vector<std::string> warnings;  // e.g. GPU present but the container toolkit is missing
};

PlatformDecision decide_platform(const PlatformFacts& facts);

// Reads the host's facts (OS, arch, NVIDIA driver); engine facts come from `info` when given.
PlatformFacts gather_platform_facts(const engine::EngineInfo* info);

}  // namespace ollama_stack::stack
