#include "ollama_stack/cli/status_gpu.hpp"

#include <fmt/format.h>

#include <sstream>

#include "ollama_stack/util/cancel.hpp"

namespace ollama_stack::cli {
namespace {

nlohmann::json gpus_json(const std::vector<stack::VisibleGpu>& gpus) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& gpu : gpus)
    list.push_back({{"index", gpu.index}, {"name", gpu.name}, {"uuid", gpu.uuid}});
  return list;
}

nlohmann::json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

}  // namespace

StatusGpu watch_status_gpu(stack::Session& session, stack::StackStatus& status, bool heal,
                           const std::function<stack::StackStatus()>& refresh) {
  StatusGpu gpu;
  if (!status.running) return gpu;
  auto& engine = session.engine();
  const std::string host = session.url_host();
  gpu.watch = stack::watch_project_gpus(engine, status.project, host);
  if (heal && !gpu.watch.ok()) {
    gpu.heals = stack::heal_gpus(engine, session.home(), gpu.watch, "status --heal",
                                 std::chrono::seconds(15), [] { return cancel_requested(); });
    status = refresh();
    gpu.watch = stack::watch_project_gpus(engine, status.project, host);
  }
  status.healthy = status.healthy && gpu.watch.ok();
  return gpu;
}

nlohmann::json status_gpu_json(const StatusGpu& gpu) {
  if (gpu.watch.containers.empty() && gpu.heals.empty()) return nullptr;
  nlohmann::json containers = nlohmann::json::array();
  for (const auto& watched : gpu.watch.containers) {
    const auto& request = watched.gpu.request;
    const auto& verdict = watched.gpu.verdict;
    containers.push_back(
        {{"service", watched.service},
         {"container", watched.gpu.container},
         {"requested", request.count < 0 ? nlohmann::json("all") : nlohmann::json(request.count)},
         {"device_ids", request.device_ids},
         {"seen", verdict.visible.size()},
         {"gpus", gpus_json(verdict.visible)},
         {"ok", verdict.ok},
         {"problem", text_or_null(verdict.problem)},
         {"message", verdict.message},
         {"cause", text_or_null(verdict.cause)},
         {"fix", text_or_null(verdict.fix)},
         {"models_on_cpu", watched.models_on_cpu},
         {"ps_error", text_or_null(watched.ps_error)}});
  }
  nlohmann::json heals = nlohmann::json::array();
  for (const auto& heal : gpu.heals)
    heals.push_back({{"container", heal.container}, {"ok", heal.ok}, {"message", heal.message}});
  return {{"ok", gpu.watch.ok()}, {"containers", containers}, {"healed", heals}};
}

std::string render_status_gpu(const StatusGpu& gpu, const TerminalCaps& caps) {
  const Style style(caps);
  std::ostringstream out;
  for (const auto& heal : gpu.heals)
    out << (heal.ok ? style.green("healed: ") : style.red("not healed: ")) << heal.message << "\n";
  for (const auto& watched : gpu.watch.containers) {
    const auto& verdict = watched.gpu.verdict;
    if (verdict.ok) {
      out << "gpu: " << verdict.message << "\n";
      continue;
    }
    out << style.red("gpu: " + verdict.message) << "\n";
    out << "  cause: " << verdict.cause << "\n";
    out << "  " << style.bold("fix:") << " " << verdict.fix << "\n";
  }
  return out.str();
}

}  // namespace ollama_stack::cli
