#include "ollama_stack/stack/gpu/gpu_status.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/models/models.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/file_lock.hpp"

namespace ollama_stack::stack {
namespace {


// /api/ps answers in milliseconds; a status must not hang on an Ollama that does not.
constexpr std::chrono::seconds kPsTimeout{3};

WatchedOllama watch_one(engine::Client& engine, const engine::ContainerInspect& container,
                        const GpuRequest& request, const std::string& url_host) {
  WatchedOllama watched;
  auto service = container.labels.find(labels::kService);
  watched.service = service != container.labels.end() ? service->second : container.name;
  watched.gpu.container_id = container.id;
  watched.gpu.container = container.name;
  watched.gpu.request = request;
  watched.gpu.verdict = judge_gpus(request, probe_gpus(engine, container.id), container.name);
  const auto url = published_ollama_url(container, url_host);
  if (!url) {
    watched.ps_error = "its API port is not published";
    return watched;
  }
  try {
    OllamaApi api(*url, kPsTimeout);
    watched.models_on_cpu = judge_loaded_models(watched.gpu.verdict, api.ps(), container.name);
  } catch (const Error& error) {
    watched.ps_error = error.what();  // Ollama still starting: the GPU verdict stands alone
  }
  return watched;
}

}  // namespace

bool GpuWatch::ok() const {
  return std::all_of(containers.begin(), containers.end(),
                     [](const WatchedOllama& watched) { return watched.gpu.verdict.ok; });
}

std::vector<std::string> judge_loaded_models(GpuVerdict& verdict,
                                             const std::vector<RunningModel>& models,
                                             const std::string& container) {
  std::vector<std::string> on_cpu;
  for (const auto& model : models)
    if (model.size_vram <= 0) on_cpu.push_back(model.name);
  if (on_cpu.empty() || !verdict.ok) return on_cpu;
  verdict.ok = false;
  verdict.problem = "models_on_cpu";
  verdict.message =
      fmt::format("{} {} loaded in {} with no GPU memory, so Ollama runs {} on the CPU",
                  fmt::join(on_cpu, ", "), on_cpu.size() == 1 ? "is" : "are", container,
                  on_cpu.size() == 1 ? "it" : "them");
  verdict.cause =
      "Ollama did not find the GPU when it loaded the model: the container had lost its GPU "
      "devices then (it sees them now), or Ollama's GPU discovery failed";
  verdict.fix = gpu_restart_fix(container);
  return on_cpu;
}

GpuWatch watch_gpus(engine::Client& engine, const std::vector<std::string>& containers,
                    const std::string& url_host) {
  GpuWatch watch;
  for (const auto& name : containers) {
    engine::ContainerInspect container;
    try {
      container = engine.inspect_container(name);
    } catch (const engine::EngineError&) {
      continue;  // removed in between: nothing to watch
    }
    if (!container.state.running) continue;
    const auto request = gpu_request_of(container.raw);
    if (!request.requested) continue;
    watch.containers.push_back(watch_one(engine, container, request, url_host));
  }
  return watch;
}

GpuWatch watch_project_gpus(engine::Client& engine, const std::string& project,
                            const std::string& url_host) {
  std::vector<std::string> ids;
  for (const auto& summary :
       engine.list_containers(compose::project_filter(project, "ollama"), false))
    ids.push_back(summary.id);
  return watch_gpus(engine, ids, url_host);
}

std::vector<GpuHeal> heal_gpus(engine::Client& engine, const HomeLayout& home,
                               const GpuWatch& watch, std::string_view verb,
                               std::chrono::milliseconds deadline,
                               const std::function<bool()>& cancelled) {
  std::vector<GpuHeal> heals;
  std::vector<const WatchedOllama*> lost;
  for (const auto& watched : watch.containers)
    if (!watched.gpu.verdict.ok) lost.push_back(&watched);
  if (lost.empty()) return heals;
  // A restart changes the stack: never in the middle of another verb's start or stop.
  util::FileLock lock(home.lock_file(), /*create_directory=*/true);
  if (!lock.try_acquire(verb)) {
    const auto holder = util::FileLock::read_holder(home.lock_file()).describe();
    for (const auto* watched : lost)
      heals.push_back(
          {watched->gpu.container, false,
           fmt::format("{} was not restarted: another ollama-stack{} is changing the "
                       "stack; it is tried again next time",
                       watched->gpu.container, holder.empty() ? "" : " (" + holder + ")")});
    return heals;
  }
  for (const auto* watched : lost) {
    GpuHeal heal{watched->gpu.container, false, ""};
    try {
      const auto after = heal_ollama_gpu(engine, watched->gpu, deadline, cancelled);
      heal.ok = after.ok;
      heal.message = after.ok ? fmt::format("restarted {} ({}); now {}", heal.container,
                                            watched->gpu.verdict.message, after.message)
                              : fmt::format("restarted {}, but it still does not see its GPUs: {}",
                                            heal.container, after.message);
    } catch (const Interrupted&) {
      throw;
    } catch (const Error& error) {
      heal.message = fmt::format("could not restart {}: {}", heal.container, error.what());
    }
    heals.push_back(std::move(heal));
  }
  return heals;
}

}  // namespace ollama_stack::stack
