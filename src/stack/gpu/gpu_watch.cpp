#include "ollama_stack/stack/gpu/gpu_watch.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/poll.hpp"

namespace ollama_stack::stack {
namespace {

using json = nlohmann::json;

bool has_gpu_capability(const json& request) {
  auto sets = request.find("Capabilities");
  if (sets == request.end() || !sets->is_array()) return false;
  for (const auto& set : *sets)
    if (set.is_array() && std::find(set.begin(), set.end(), json("gpu")) != set.end()) return true;
  return false;
}

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::size_t lead = 0;
  while (lead < text.size() && std::isspace(static_cast<unsigned char>(text[lead]))) ++lead;
  return text.substr(lead);
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string gpu_count_text(std::size_t n) { return n == 1 ? "1 GPU" : fmt::format("{} GPUs", n); }

}  // namespace

GpuRequest gpu_request_of(const json& inspect) {
  GpuRequest request;
  const auto host = inspect.find("HostConfig");
  if (host == inspect.end() || !host->is_object()) return request;
  const auto requests = host->find("DeviceRequests");
  if (requests == host->end() || !requests->is_array()) return request;
  for (const auto& entry : *requests) {
    if (!entry.is_object()) continue;
    const std::string driver = entry.value("Driver", "");
    std::vector<std::string> ids;
    if (auto it = entry.find("DeviceIDs"); it != entry.end() && it->is_array())
      for (const auto& id : *it)
        if (id.is_string()) ids.push_back(id.get<std::string>());
    if (driver == "cdi") {
      for (const auto& id : ids) {
        if (id.rfind("nvidia.com/gpu=", 0) != 0) continue;
        request.requested = true;
        const auto name = id.substr(std::string("nvidia.com/gpu=").size());
        if (name == "all")
          request.count = -1;
        else
          request.device_ids.push_back(name);
      }
      continue;
    }
    if (driver != "nvidia" && !(driver.empty() && has_gpu_capability(entry))) continue;
    request.requested = true;
    request.device_ids.insert(request.device_ids.end(), ids.begin(), ids.end());
    const int count = entry.value("Count", 0);
    if (count < 0 || request.count < 0)
      request.count = -1;
    else
      request.count += count;
  }
  return request;
}

std::vector<VisibleGpu> parse_nvidia_smi_list(std::string_view output) {
  static const std::regex line(R"(^GPU (\d+): (.*) \(UUID: ([^)]+)\)\s*$)");
  std::vector<VisibleGpu> gpus;
  std::string text(output);
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::smatch match;
    const std::string current = text.substr(start, end - start);
    if (std::regex_match(current, match, line))
      gpus.push_back({std::stoi(match[1]), match[2], match[3]});
    start = end + 1;
  }
  return gpus;
}

GpuProbe probe_gpus(engine::Client& engine, const std::string& container_id) {
  GpuProbe probe;
  try {
    auto result = engine.exec(container_id, {"nvidia-smi", "-L"}, std::chrono::seconds(10));
    probe.ran = true;
    probe.exit_code = result.exit_code;
    probe.output =
        trimmed(result.out + (result.out.empty() || result.err.empty() ? "" : "\n") + result.err);
    probe.gpus = parse_nvidia_smi_list(result.out);
  } catch (const Error& error) {
    probe.output = error.what();  // e.g. nvidia-smi absent: no GPU was ever injected
  }
  return probe;
}

std::string gpu_restart_fix(const std::string& container) {
  return fmt::format(
      "run `ollama-stack check --fix`: it restarts {} (a restarted container gets its GPUs back) "
      "and checks that it sees them again (`ollama-stack restart` restarts the whole stack); to "
      "stop it recurring, set \"exec-opts\": [\"native.cgroupdriver=cgroupfs\"] in "
      "/etc/docker/daemon.json on the host and restart Docker (Ollama's troubleshooting guide, "
      "\"Linux docker\")",
      container);
}

GpuVerdict judge_gpus(const GpuRequest& request, const GpuProbe& probe,
                      const std::string& container) {
  GpuVerdict verdict;
  verdict.visible = probe.gpus;
  if (!request.requested) {
    verdict.message = fmt::format("{} was given no NVIDIA GPU", container);
    return verdict;
  }
  const std::string restart_fix = gpu_restart_fix(container);
  const std::string lost_cause =
      "the container lost its GPU devices, usually after a `systemctl daemon-reload` on a host "
      "where systemd manages the containers' cgroups; Ollama then runs every model on the CPU, "
      "with no error";
  const std::size_t wanted = request.count > 0
                                 ? static_cast<std::size_t>(request.count)
                                 : std::max<std::size_t>(request.device_ids.size(), 1);
  if (!probe.ran || probe.exit_code != 0 || probe.gpus.empty()) {
    verdict.ok = false;
    verdict.problem = "lost";
    const std::string said = probe.output.empty() ? fmt::format("exit code {}", probe.exit_code)
                                                  : first_line(probe.output);
    verdict.message = fmt::format("the GPU is lost: `nvidia-smi -L` in {} {}: {}", container,
                                  probe.ran ? "fails" : "cannot run", said);
    verdict.cause = lost_cause;
    verdict.fix = restart_fix;
    return verdict;
  }
  std::vector<std::string> missing;
  for (const auto& id : request.device_ids)
    if (std::none_of(probe.gpus.begin(), probe.gpus.end(), [&](const VisibleGpu& gpu) {
          return id == std::to_string(gpu.index) || id == gpu.uuid;
        }))
      missing.push_back(id);
  if (!missing.empty() || probe.gpus.size() < wanted) {
    verdict.ok = false;
    verdict.problem = "missing";
    verdict.message =
        fmt::format("{} sees {} of the {} it was given{}", container,
                    gpu_count_text(probe.gpus.size()), gpu_count_text(wanted),
                    missing.empty() ? "" : fmt::format(" (missing: {})", fmt::join(missing, ", ")));
    verdict.cause = lost_cause;
    verdict.fix = restart_fix;
    return verdict;
  }
  std::vector<std::string> names;
  for (const auto& gpu : probe.gpus)
    names.push_back(fmt::format("GPU {}: {}", gpu.index, gpu.name));
  verdict.message = fmt::format("{} sees {}: {}", container, gpu_count_text(probe.gpus.size()),
                                fmt::join(names, ", "));
  return verdict;
}

GpuVerdict heal_ollama_gpu(engine::Client& engine, const OllamaGpu& lost,
                           std::chrono::milliseconds deadline,
                           const std::function<bool()>& cancelled) {
  engine.stop_container(lost.container_id, 10);
  engine.start_container(lost.container_id);
  // The devices come with the start; the retries only cover a probe that ran before the
  // container's own start-up finished.
  GpuVerdict verdict;
  util::wait_until(
      [&] {
        verdict = judge_gpus(lost.request, probe_gpus(engine, lost.container_id), lost.container);
        return verdict.ok;
      },
      std::chrono::steady_clock::now() + deadline, cancelled,
      {std::chrono::milliseconds(200), std::chrono::milliseconds(200)});
  return verdict;
}

}  // namespace ollama_stack::stack
