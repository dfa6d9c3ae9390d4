#pragma once
// The GPU watchdog applied to the stack, for `status` and `check`: every running Ollama container
// of the project that was given NVIDIA GPUs is asked whether it still sees them (`nvidia-smi -L`
// inside it) and which of its loaded models sit in GPU memory (`/api/ps`); the cure restarts the
// affected containers, under the stack lock, and verifies.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/stack/gpu/gpu_watch.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/models/ollama_api.hpp"

namespace ollama_stack::stack {

struct WatchedOllama {
  std::string service;                     // "ollama"
  OllamaGpu gpu;                           // the container, what it requested, the verdict
  std::vector<std::string> models_on_cpu;  // loaded with no GPU memory
  std::string ps_error;                    // why /api/ps could not be read ("" when it was)
};

struct GpuWatch {
  std::vector<WatchedOllama> containers;  // empty: no running Ollama was given NVIDIA GPUs
  bool ok() const;
};

// Pure: a container that sees its GPUs yet has a model loaded with no GPU memory (Ollama did not
// find the GPU when it loaded it) turns `verdict` into problem "models_on_cpu"; returns the
// names of those models.
std::vector<std::string> judge_loaded_models(GpuVerdict& verdict,
                                             const std::vector<RunningModel>& models,
                                             const std::string& container);

// Runs the watchdog on `containers` (names or ids; those not given NVIDIA GPUs are left out).
// `url_host` as Session::url_host(), for the Ollama API on each one's published port.
GpuWatch watch_gpus(engine::Client& engine, const std::vector<std::string>& containers,
                    const std::string& url_host);
// The same for the running `ollama` service containers of `project`.
GpuWatch watch_project_gpus(engine::Client& engine, const std::string& project,
                            const std::string& url_host);

struct GpuHeal {
  std::string container;
  bool ok = false;      // restarted, and it sees its GPUs again
  std::string message;  // one sentence: what was done and what it sees now (or why not)
};
// Restarts every container of `watch` that is not ok and probes it until it sees its GPUs again
// or `deadline` passes. Takes the stack lock without waiting: when another verb holds it nothing
// is restarted and each heal says so. Interrupted when `cancelled` says so.
std::vector<GpuHeal> heal_gpus(engine::Client& engine, const HomeLayout& home,
                               const GpuWatch& watch, std::string_view verb,
                               std::chrono::milliseconds deadline = std::chrono::seconds(15),
                               const std::function<bool()>& cancelled = {});

}  // namespace ollama_stack::stack
