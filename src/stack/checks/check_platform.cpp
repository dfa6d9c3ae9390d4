// The platform's checks: which platform and why, and whether its GPU can reach the containers on
// the engine's host. Pure: facts and decision in, result out.
#include <fmt/format.h>

#include <algorithm>

#include "ollama_stack/stack/checks/checks.hpp"

namespace ollama_stack::stack {
namespace {

constexpr const char* kToolkitFix =
    "install the NVIDIA Container Toolkit on the engine's host: `sudo apt-get install "
    "nvidia-container-toolkit && sudo nvidia-ctk runtime configure --runtime=docker && sudo "
    "systemctl restart docker`";
constexpr const char* kAmdDriverFix =
    "install the AMD GPU driver on the engine's host (amdgpu-dkms, from AMD's ROCm install guide) "
    "and reboot, or use --platform cpu";

CheckResult result(const char* id, const char* name, CheckStatus status, std::string message,
                   std::string fix = {}) {
  return {id, name, status, std::move(message), std::move(fix)};
}

bool engine_lists(const PlatformFacts& facts, const std::string& runtime) {
  return facts.engine && std::find(facts.engine->runtimes.begin(), facts.engine->runtimes.end(),
                                   runtime) != facts.engine->runtimes.end();
}

bool engine_has_devices(const PlatformFacts& facts, const std::string& kind) {
  if (!facts.engine || !facts.engine->discovered_devices) return false;
  const auto& devices = *facts.engine->discovered_devices;
  return std::any_of(devices.begin(), devices.end(),
                     [&](const auto& id) { return id.starts_with(kind); });
}

}  // namespace

CheckResult evaluate_platform(const PlatformDecision& decision) {
  const std::string message = describe(decision);
  if (!decision.warnings.empty())
    return result("platform", "platform", CheckStatus::warn, message, decision.warnings.front());
  return result("platform", "platform", CheckStatus::pass, message);
}

CheckResult evaluate_nvidia(const PlatformFacts& facts, const PlatformDecision& decision) {
  const char* id = "nvidia";
  const char* name = "NVIDIA GPU";
  if (decision.platform == Platform::apple)
    return result(id, name, CheckStatus::skip, "not used on macOS");
  const LocalFacts* local = facts.local ? &*facts.local : nullptr;
  const bool driver = local && !local->nvidia_driver.empty();
  const bool runtime = engine_lists(facts, "nvidia");
  const bool cdi =
      engine_has_devices(facts, "nvidia.com/gpu=") || (local && !local->nvidia_cdi_spec.empty());
  const bool hook = local && !local->nvidia_hook.empty();
  if (decision.platform != Platform::nvidia) {
    if (driver && !runtime && !cdi && !hook)
      return result(id, name, CheckStatus::fail,
                    "an NVIDIA GPU is present but Docker cannot use it (no nvidia runtime, no "
                    "NVIDIA CDI spec), so the stack runs on the CPU",
                    kToolkitFix);
    return result(
        id, name, CheckStatus::skip,
        local ? "no NVIDIA GPU on the engine's host" : "the engine reports no NVIDIA GPU");
  }
  if (local && !driver)
    return result(id, name, CheckStatus::fail,
                  "the nvidia platform needs the NVIDIA driver, and none is loaded here",
                  "install the NVIDIA driver (`nvidia-smi` must work), or use --platform cpu");
  const std::string way = decision.nvidia_request == NvidiaRequest::cdi
                              ? "CDI (nvidia.com/gpu=all)"
                              : "the engine's nvidia device driver";
  if (runtime || cdi || hook)
    return result(id, name, CheckStatus::pass,
                  fmt::format("{}GPUs requested through {}",
                              driver ? "NVIDIA driver " + local->nvidia_driver + "; " : "", way));
  if (local)
    return result(id, name, CheckStatus::fail,
                  "an NVIDIA GPU is present but Docker cannot use it (no nvidia runtime, no NVIDIA "
                  "CDI spec, no nvidia-container-runtime-hook)",
                  kToolkitFix);
  return result(id, name, CheckStatus::warn,
                "the engine shows no NVIDIA support (no nvidia runtime, no NVIDIA CDI devices); "
                "GPU containers fail with \"could not select device driver\" unless "
                "nvidia-container-runtime-hook is installed there",
                kToolkitFix);
}

CheckResult evaluate_amd(const PlatformFacts& facts, const PlatformDecision& decision,
                         std::optional<unsigned> render_gid) {
  const char* id = "amd";
  const char* name = "AMD GPU";
  if (decision.platform != Platform::amd)
    return result(id, name, CheckStatus::skip, "not the amd platform");
  const std::string groups = render_gid ? fmt::format("video and group {}", *render_gid) : "video";
  if (!facts.local) {
    if (!render_gid)
      return result(
          id, name, CheckStatus::warn,
          "the engine's host cannot be looked at from here: /dev/kfd and /dev/dri must exist "
          "there, and its render group's id is unknown, so Ollama's container joins only the video "
          "group",
          "set RENDER_GID in the home's .env to the render group's id on the engine's host "
          "(`getent group render | cut -d: -f3` there)");
    return result(
        id, name, CheckStatus::pass,
        fmt::format(
            "/dev/kfd and /dev/dri are mapped from the engine's host (not visible from here); "
            "Ollama joins {}",
            groups));
  }
  const auto& local = *facts.local;
  if (!local.amd_kfd)
    return result(id, name, CheckStatus::fail,
                  "/dev/kfd (ROCm's compute interface) does not exist on this host: the amdgpu "
                  "driver is not loaded",
                  kAmdDriverFix);
  if (!local.amd_dri)
    return result(id, name, CheckStatus::fail,
                  "/dev/dri (the GPU's render nodes) does not exist on this host", kAmdDriverFix);
  if (local.kfd_gid && render_gid && *render_gid != *local.kfd_gid)
    return result(
        id, name, CheckStatus::warn,
        fmt::format(
            "RENDER_GID is {} but /dev/kfd belongs to group {}: a container user that is not root "
            "cannot open it",
            *render_gid, *local.kfd_gid),
        fmt::format("set RENDER_GID={} in the home's .env, or remove it to use /dev/kfd's group",
                    *local.kfd_gid));
  return result(id, name, CheckStatus::pass,
                fmt::format("/dev/kfd and /dev/dri present; Ollama joins {}", groups));
}

}  // namespace ollama_stack::stack
