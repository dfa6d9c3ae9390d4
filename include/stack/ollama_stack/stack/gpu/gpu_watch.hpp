#pragma once
// The GPU watchdog's parts: does the Ollama container still see the NVIDIA GPUs it was given?
// On hosts where systemd manages the containers' cgroups, a `systemctl daemon-reload` takes the
// GPU devices away from running containers (NVIDIA/nvidia-docker#1730): `nvidia-smi` inside then
// fails with "Failed to initialize NVML: Unknown Error" and Ollama silently runs on the CPU. A
// restart of the container gives the devices back. Facts in (the container's device requests,
// `nvidia-smi -L` run inside it), a verdict out; the probe itself goes through the engine.
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ollama_stack/engine/client.hpp"

namespace ollama_stack::stack {

// What the container asked for in HostConfig.DeviceRequests: NVIDIA GPUs (driver "nvidia", or a
// "gpu" capability, or CDI "nvidia.com/gpu=…" names).
struct GpuRequest {
  bool requested = false;
  int count = 0;                        // -1: all of them
  std::vector<std::string> device_ids;  // indexes or UUIDs, when named
};
GpuRequest gpu_request_of(const nlohmann::json& inspect);  // the container's inspect document

struct VisibleGpu {
  int index = 0;
  std::string name;  // "NVIDIA GeForce RTX 4090"
  std::string uuid;  // "GPU-…"
};
// The "GPU 0: NAME (UUID: GPU-…)" lines of `nvidia-smi -L`; other lines are skipped.
std::vector<VisibleGpu> parse_nvidia_smi_list(std::string_view output);

// What `nvidia-smi -L` said inside the container.
struct GpuProbe {
  bool ran = false;  // the exec happened (false: the engine refused it; see output)
  int exit_code = 0;
  std::string output;  // stdout and stderr, trimmed
  std::vector<VisibleGpu> gpus;
};
// Runs `nvidia-smi -L` in the container through the engine's exec API (10 s deadline).
GpuProbe probe_gpus(engine::Client& engine, const std::string& container_id);

struct GpuVerdict {
  bool ok = true;
  // When not ok: "lost" (nvidia-smi fails or lists none), "missing" (fewer GPUs than requested),
  // "models_on_cpu" (it sees its GPUs, yet a loaded model has no GPU memory).
  std::string problem;
  std::string message;  // "the GPU is lost: `nvidia-smi -L` in ollama fails: …", or what it sees
  std::string cause;    // why this happens, when not ok
  std::string fix;      // what to do, when not ok
  std::vector<VisibleGpu> visible;
};
GpuVerdict judge_gpus(const GpuRequest& request, const GpuProbe& probe,
                      const std::string& container);

// The fix for a lost GPU: a restart of `container` now, the host's cgroup driver for good.
std::string gpu_restart_fix(const std::string& container);

// A container given NVIDIA GPUs, and what they looked like from inside it.
struct OllamaGpu {
  std::string container_id;
  std::string container;  // its name
  GpuRequest request;
  GpuVerdict verdict;
};
// The cure: restarts the container (a restarted container gets its devices again), then probes
// until nvidia-smi lists what was requested or `deadline` passes; returns the last verdict.
// Interrupted when `cancelled` says so while it probes.
GpuVerdict heal_ollama_gpu(engine::Client& engine, const OllamaGpu& lost,
                           std::chrono::milliseconds deadline = std::chrono::seconds(15),
                           const std::function<bool()>& cancelled = {});

}  // namespace ollama_stack::stack
