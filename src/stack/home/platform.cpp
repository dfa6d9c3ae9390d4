// The platform decision: pure, from the facts gathered in platform_facts.cpp.
#include "ollama_stack/stack/home/platform.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

constexpr const char* kToolkitInstall =
    "install the NVIDIA Container Toolkit (`sudo apt-get install nvidia-container-toolkit && sudo "
    "nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker`)";

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The CDI devices the engine discovered whose name starts with `kind` ("nvidia.com/gpu=").
std::vector<std::string> devices_of_kind(const EngineFacts& engine, const std::string& kind) {
  std::vector<std::string> found;
  if (engine.discovered_devices)
    for (const auto& device : *engine.discovered_devices)
      if (device.starts_with(kind)) found.push_back(device);
  return found;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

bool arm(const std::string& arch) { return arch == "arm64" || arch == "aarch64"; }

// The facts as lines a person can check: where the engine is, what /info says, what this host says.
std::vector<std::string> describe_facts(const PlatformFacts& facts) {
  std::vector<std::string> lines;
  if (!facts.engine) {
    lines.push_back(fmt::format("engine {}: /info could not be read", facts.endpoint));
  } else {
    const auto& engine = *facts.engine;
    lines.push_back(fmt::format("engine {}: host \"{}\", {} {}, Docker {}", facts.endpoint,
                                engine.name, engine.os_type, engine.architecture,
                                engine.server_version));
    lines.push_back(fmt::format("engine runtimes: {}",
                                engine.runtimes.empty() ? "none" : joined(engine.runtimes)));
    if (!engine.discovered_devices)
      lines.push_back("engine devices: not listed (the engine's API is older than 1.50)");
    else
      lines.push_back(fmt::format("engine devices: {}", engine.discovered_devices->empty()
                                                            ? "none"
                                                            : joined(*engine.discovered_devices)));
    if (!engine.cdi_spec_dirs.empty())
      lines.push_back("engine CDI spec dirs: " + joined(engine.cdi_spec_dirs));
  }
  if (!facts.local) {
    lines.push_back(fmt::format(
        "the engine does not run on this machine ({}), so this machine's GPU is not looked at",
        facts.client_host));
    return lines;
  }
  const auto& local = *facts.local;
  std::vector<std::string> found{local.nvidia_driver.empty()
                                     ? "no NVIDIA driver"
                                     : "NVIDIA driver (" + local.nvidia_driver + ")"};
  if (!local.nvidia_hook.empty()) found.push_back(local.nvidia_hook);
  if (!local.nvidia_cdi_spec.empty()) found.push_back("CDI spec " + local.nvidia_cdi_spec);
  found.push_back(!local.amd_kfd  ? "no /dev/kfd"
                  : local.kfd_gid ? fmt::format("/dev/kfd (group {})", *local.kfd_gid)
                                  : "/dev/kfd");
  if (local.amd_dri) found.push_back("/dev/dri");
  lines.push_back("this machine runs the engine: " + joined(found));
  return lines;
}

// How GPUs are requested on nvidia: through the engine's nvidia driver when it has one (the
// runtime registered, or the hook installed on this host), through CDI when only CDI specs show.
NvidiaRequest nvidia_request_for(const PlatformFacts& facts) {
  if (!facts.engine) return NvidiaRequest::driver;
  const bool driver = contains(facts.engine->runtimes, "nvidia") ||
                      (facts.local && !facts.local->nvidia_hook.empty());
  const bool cdi = !devices_of_kind(*facts.engine, "nvidia.com/gpu=").empty() ||
                   (facts.local && !facts.local->nvidia_cdi_spec.empty());
  return !driver && cdi ? NvidiaRequest::cdi : NvidiaRequest::driver;
}

PlatformDecision detected(Platform platform, std::string reason, const PlatformFacts& facts) {
  PlatformDecision decision;
  decision.platform = platform;
  decision.reason = std::move(reason);
  decision.evidence = describe_facts(facts);
  decision.nvidia_request = nvidia_request_for(facts);
  if (facts.local) decision.render_gid = facts.local->kfd_gid;
  return decision;
}

}  // namespace

std::string to_string(Platform platform) {
  switch (platform) {
    case Platform::nvidia:
      return "nvidia";
    case Platform::amd:
      return "amd";
    case Platform::apple:
      return "apple";
    default:
      return "cpu";
  }
}

std::string to_string(NvidiaRequest request) {
  return request == NvidiaRequest::cdi ? "cdi" : "nvidia";
}

const std::vector<std::string>& platform_choices() {
  static const std::vector<std::string> choices{"auto", "cpu", "nvidia", "amd", "apple"};
  return choices;
}

std::optional<Platform> parse_platform(const std::string& text) {
  if (text == "auto" || text.empty()) return std::nullopt;
  for (auto platform : {Platform::cpu, Platform::nvidia, Platform::amd, Platform::apple})
    if (text == to_string(platform)) return platform;
  throw Error(ExitCode::usage, "unknown platform \"" + text + "\"",
              "use one of: auto, cpu, nvidia, amd, apple");
}

std::string describe(const PlatformDecision& decision) {
  if (decision.reason.empty()) return to_string(decision.platform);
  std::string line = fmt::format("{} ({}", to_string(decision.platform), decision.reason);
  if (decision.platform == Platform::nvidia)
    line += decision.nvidia_request == NvidiaRequest::cdi
                ? "; GPUs through CDI (nvidia.com/gpu=all)"
                : "; GPUs from the engine's nvidia driver";
  return line + ")";
}

bool engine_runs_here(const PlatformFacts& facts) {
  return facts.endpoint_local && facts.engine && !facts.engine->name.empty() &&
         facts.engine->name == facts.client_host;
}

PlatformDecision decide_platform(const PlatformFacts& facts) {
  // Docker on macOS runs Linux in a VM with no Metal GPU: Ollama runs natively beside it.
  const std::string arch = facts.engine ? facts.engine->architecture : facts.client_arch;
  if (facts.client_os == "darwin" && facts.endpoint_local && arm(arch))
    return detected(Platform::apple,
                    "Docker on Apple silicon: Ollama runs natively for Metal GPU access", facts);
  if (!facts.engine && !facts.local)
    return detected(Platform::cpu, "the engine could not be asked about its GPUs", facts);
  if (facts.engine && facts.engine->os_type == "windows") {
    auto decision = detected(Platform::cpu, "the engine runs Windows containers", facts);
    decision.warnings.push_back(
        "the engine runs Windows containers; the stack's images are Linux images: switch Docker "
        "Desktop to Linux containers");
    return decision;
  }

  const EngineFacts engine = facts.engine.value_or(EngineFacts{});
  const bool runtime = contains(engine.runtimes, "nvidia");
  const auto nvidia_devices = devices_of_kind(engine, "nvidia.com/gpu=");
  const LocalFacts* local = facts.local ? &*facts.local : nullptr;
  const bool driver = local && !local->nvidia_driver.empty();
  const bool hook = local && !local->nvidia_hook.empty();
  const bool cdi_spec = local && !local->nvidia_cdi_spec.empty();

  if (runtime || !nvidia_devices.empty() || cdi_spec || (driver && hook)) {
    if (local && !driver) {
      // Set up for NVIDIA, but no driver is loaded: a GPU request would fail at start.
      auto decision =
          detected(Platform::cpu,
                   "the engine is set up for NVIDIA GPUs but no NVIDIA driver is loaded", facts);
      decision.warnings.push_back(
          "the engine is set up for NVIDIA GPUs but this machine has no NVIDIA driver loaded (no "
          "/proc/driver/nvidia/version, `nvidia-smi` fails), so the stack runs on the CPU; fix the "
          "driver, or use --platform nvidia to ask for the GPU anyway");
      return decision;
    }
    std::string reason =
        runtime ? "the engine has the nvidia runtime"
        : !nvidia_devices.empty()
            ? "the engine has NVIDIA CDI devices (" + joined(nvidia_devices) + ")"
        : cdi_spec ? "the engine's CDI specs name NVIDIA GPUs (" + local->nvidia_cdi_spec + ")"
                   : "NVIDIA driver and nvidia-container-runtime-hook on the engine's host";
    return detected(Platform::nvidia, std::move(reason), facts);
  }
  if (driver) {
    auto decision = detected(Platform::cpu,
                             "NVIDIA driver found but the engine cannot run GPU containers", facts);
    decision.warnings.push_back(
        "an NVIDIA GPU is present but Docker cannot use it, so the stack runs on the CPU; " +
        std::string(kToolkitInstall));
    return decision;
  }
  const auto amd_devices = devices_of_kind(engine, "amd.com/gpu=");
  if (!amd_devices.empty())
    return detected(Platform::amd, "the engine has AMD CDI devices (" + joined(amd_devices) + ")",
                    facts);
  if (local && local->amd_kfd)
    return detected(Platform::amd, "/dev/kfd exists on the engine's host (the amdgpu driver)",
                    facts);
  return detected(
      Platform::cpu,
      local
          ? "no GPU the engine can use"
          : "the engine reports no GPU (no nvidia runtime, no CDI GPU devices); a remote engine's "
            "/dev cannot be seen from here, so give --platform nvidia or amd if it has one",
      facts);
}

PlatformDecision choose_platform(Platform platform, const PlatformFacts& facts) {
  auto decision = detected(platform, "chosen with --platform", facts);
  decision.chosen_by = "--platform";
  return decision;
}

}  // namespace ollama_stack::stack
