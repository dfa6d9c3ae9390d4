// `check`'s "gpu" item: the GPU watchdog's verdict on the running Ollama, and with --fix its cure
// (a restart of the affected container, verified).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ollama_stack/stack/checks/checks.hpp"
#include "ollama_stack/stack/gpu/gpu_status.hpp"

namespace ollama_stack::stack {

CheckResult evaluate_gpu_watch(const GpuWatch& watch, Platform platform) {
  const char* id = "gpu";
  const char* name = "GPU in Ollama";
  if (watch.containers.empty())
    return {id, name, CheckStatus::skip,
            platform == Platform::nvidia ? "no running Ollama container was given NVIDIA GPUs"
                                         : "not the nvidia platform",
            ""};
  std::vector<std::string> seen;
  for (const auto& watched : watch.containers) {
    const auto& verdict = watched.gpu.verdict;
    if (!verdict.ok)
      return {id, name, CheckStatus::fail, fmt::format("{} ({})", verdict.message, verdict.cause),
              verdict.fix};
    seen.push_back(verdict.message);
  }
  return {id, name, CheckStatus::pass, fmt::format("{}", fmt::join(seen, "; ")), ""};
}

CheckResult check_ollama_gpu(Session& session, const std::string& project, Platform platform,
                             const CheckOptions& options, CheckReport& report) {
  auto& engine = session.engine();
  const std::string host = session.url_host();
  auto watch = watch_project_gpus(engine, project, host);
  if (options.fix && !watch.ok()) {
    for (const auto& heal : heal_gpus(engine, session.home(), watch, "check --fix",
                                      std::chrono::seconds(15), options.cancelled))
      (heal.ok ? report.fixed : report.fix_failures).push_back(heal.message);
    watch = watch_project_gpus(engine, project, host);  // the check reports what is true now
  }
  return evaluate_gpu_watch(watch, platform);
}

}  // namespace ollama_stack::stack
