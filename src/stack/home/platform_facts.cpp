// Gathering the platform facts: the engine's /info, this machine's name and, when the engine runs
// here, its GPU driver files and device nodes. The decision itself is in platform.cpp.
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "ollama_stack/stack/checks/port_conflicts.hpp"
#include "ollama_stack/stack/home/platform.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The engine registers its nvidia device driver when this program is on its PATH (moby
// daemon/nvidia_linux.go); the toolkit installs it in /usr/bin.
std::string find_nvidia_hook() {
  for (const char* dir :
       {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    const std::string path = std::string(dir) + "/nvidia-container-runtime-hook";
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

// A CDI spec in one of the engine's spec dirs that declares NVIDIA GPUs (`nvidia-ctk cdi generate`
// writes kind: nvidia.com/gpu into /etc/cdi/nvidia.yaml or /var/run/cdi/nvidia.yaml).
std::string find_nvidia_cdi_spec(const std::vector<std::string>& dirs) {
  std::error_code error;
  for (const auto& dir : dirs) {
    for (const auto& entry : fs::directory_iterator(dir, error)) {
      const auto extension = entry.path().extension();
      if (extension != ".yaml" && extension != ".yml" && extension != ".json") continue;
      std::ifstream in(entry.path());
      const std::string text{std::istreambuf_iterator<char>(in), {}};
      if (text.find("nvidia.com/gpu") != std::string::npos) return entry.path().string();
    }
  }
  return "";
}

LocalFacts gather_local(const std::string& os, const std::vector<std::string>& cdi_spec_dirs) {
  LocalFacts local;
  std::error_code error;
  if (fs::exists("/proc/driver/nvidia/version", error)) {
    local.nvidia_driver = "/proc/driver/nvidia/version";
  } else if (os == "linux" && std::system("nvidia-smi -L >/dev/null 2>&1") == 0) {
    // nvidia-smi works on hosts whose driver is not exposed through /proc (WSL 2).
    local.nvidia_driver = "nvidia-smi";
  }
  local.nvidia_hook = find_nvidia_hook();
  local.nvidia_cdi_spec = find_nvidia_cdi_spec(cdi_spec_dirs);
  struct stat kfd {};
  if (::stat("/dev/kfd", &kfd) == 0) {
    local.amd_kfd = true;
    local.kfd_gid = kfd.st_gid;
  }
  local.amd_dri = fs::is_directory("/dev/dri", error);
  return local;
}

}  // namespace

PlatformFacts gather_platform_facts(const engine::EngineInfo* info, const std::string& endpoint) {
  PlatformFacts facts;
  struct utsname name {};
  if (::uname(&name) == 0) {
    facts.client_os = lowercase(name.sysname);
    facts.client_arch = name.machine;
    facts.client_host = name.nodename;
  }
  facts.endpoint = endpoint;
  facts.endpoint_local = engine_is_local(endpoint);
  if (info != nullptr) {
    facts.engine = EngineFacts{info->os_type,       info->architecture,      info->operating_system,
                               info->name,          info->server_version,    info->runtimes,
                               info->cdi_spec_dirs, info->discovered_devices};
  }
  // Without /info, a local endpoint is the best guess there is for where the engine runs.
  if (info == nullptr ? facts.endpoint_local : engine_runs_here(facts))
    facts.local =
        gather_local(facts.client_os, info ? info->cdi_spec_dirs : std::vector<std::string>{});
  return facts;
}

}  // namespace ollama_stack::stack
