#include "ollama_stack/stack/platform.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {

std::string to_string(Platform platform) {
  switch (platform) {
    case Platform::nvidia: return "nvidia";
    case Platform::apple: return "apple";
    default: return "cpu";
  }
}

std::optional<Platform> parse_platform(const std::string& text) {
  if (text == "cpu") return Platform::cpu;
  if (text == "nvidia") return Platform::nvidia;
  if (text == "apple") return Platform::apple;
  if (text == "auto" || text.empty()) return std::nullopt;
  throw Error(ExitCode::usage, "unknown platform \"" + text + "\"", "use one of: auto, cpu, nvidia, apple");
}

PlatformDecision decide_platform(const PlatformFacts& facts) {
  PlatformDecision decision;
  const bool arm = facts.host_arch == "arm64" || facts.host_arch == "aarch64";
  if (facts.host_os == "darwin" && arm) {
    decision.platform = Platform::apple;
    decision.reason = "macOS on Apple silicon: Ollama runs natively for Metal GPU access";
    return decision;
  }
  if (facts.nvidia_driver) {
    const bool runtime = std::find(facts.engine_runtimes.begin(), facts.engine_runtimes.end(), "nvidia") !=
                         facts.engine_runtimes.end();
    if (runtime || facts.engine_cdi_nvidia) {
      decision.platform = Platform::nvidia;
      decision.reason = runtime ? "NVIDIA driver found and the engine has the nvidia runtime"
                                : "NVIDIA driver found and the engine has an NVIDIA CDI spec";
      return decision;
    }
    decision.reason = "NVIDIA driver found but the engine cannot run GPU containers";
    decision.warnings.push_back(
        "an NVIDIA GPU is present but Docker cannot use it, so the stack runs on the CPU; install the "
        "NVIDIA Container Toolkit (`sudo apt-get install nvidia-container-toolkit && sudo nvidia-ctk runtime "
        "configure --runtime=docker && sudo systemctl restart docker`)");
    return decision;
  }
  decision.reason = "no GPU the engine can use";
  return decision;
}

PlatformFacts gather_platform_facts(const engine::EngineInfo* info) {
  PlatformFacts facts;
  struct utsname name {};
  if (::uname(&name) == 0) {
    std::string system = name.sysname;
    std::transform(system.begin(), system.end(), system.begin(), [](unsigned char c) { return std::tolower(c); });
    facts.host_os = system;
    facts.host_arch = name.machine;
  }
  std::error_code ignored;
  facts.nvidia_driver = std::filesystem::exists("/proc/driver/nvidia/version", ignored);
  if (!facts.nvidia_driver && facts.host_os == "linux") {
    // nvidia-smi exists on hosts whose driver is not exposed through /proc (e.g. WSL 2).
    facts.nvidia_driver = std::system("nvidia-smi -L >/dev/null 2>&1") == 0;
  }
  if (info != nullptr) {
    facts.engine_runtimes = info->runtimes;
    for (const auto& dir : info->cdi_spec_dirs) {
      for (const char* file : {"/nvidia.yaml", "/nvidia.json"})
        if (std::filesystem::exists(dir + file, ignored)) facts.engine_cdi_nvidia = true;
    }
  }
  return facts;
}

}  // namespace ollama_stack::stack
