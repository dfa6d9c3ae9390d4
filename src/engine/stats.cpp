// CPU and memory figures computed the way `docker stats` computes them.
#include <nlohmann/json.hpp>

#include "ollama_stack/engine/client.hpp"

namespace ollama_stack::engine {

StatsSample parse_stats(const nlohmann::json& stats) {
  StatsSample sample;
  auto u64 = [](const nlohmann::json& object, const char* key) -> uint64_t {
    if (!object.is_object()) return 0;
    auto it = object.find(key);
    return it != object.end() && it->is_number() ? it->get<uint64_t>() : 0;
  };
  const auto empty = nlohmann::json::object();
  const auto& cpu = stats.value("cpu_stats", empty);
  const auto& precpu = stats.value("precpu_stats", empty);
  sample.cpu_total = u64(cpu.value("cpu_usage", empty), "total_usage");
  sample.system_cpu = u64(cpu, "system_cpu_usage");
  sample.pre_cpu_total = u64(precpu.value("cpu_usage", empty), "total_usage");
  sample.pre_system_cpu = u64(precpu, "system_cpu_usage");
  sample.online_cpus = static_cast<int>(u64(cpu, "online_cpus"));
  if (sample.online_cpus == 0) {
    auto percpu = cpu.value("cpu_usage", empty).value("percpu_usage", nlohmann::json::array());
    sample.online_cpus = static_cast<int>(percpu.size());
  }
  const auto& memory = stats.value("memory_stats", empty);
  sample.memory_usage = u64(memory, "usage");
  sample.memory_limit = u64(memory, "limit");
  const auto& detail = memory.value("stats", empty);
  sample.memory_inactive_file = detail.contains("total_inactive_file") ? u64(detail, "total_inactive_file")
                                                                       : u64(detail, "inactive_file");
  const auto networks = stats.value("networks", empty);
  for (const auto& [name, net] : networks.items()) {
    sample.net_rx += u64(net, "rx_bytes");
    sample.net_tx += u64(net, "tx_bytes");
  }
  sample.read = stats.value("read", "");
  return sample;
}

ResourceUsage compute_usage(const StatsSample& previous, const StatsSample& current) {
  ResourceUsage usage;
  if (current.cpu_total > previous.cpu_total && current.system_cpu > previous.system_cpu) {
    const double cpu_delta = static_cast<double>(current.cpu_total - previous.cpu_total);
    const double system_delta = static_cast<double>(current.system_cpu - previous.system_cpu);
    const int cpus = current.online_cpus > 0 ? current.online_cpus : 1;
    usage.cpu_percent = cpu_delta / system_delta * cpus * 100.0;
  }
  usage.memory_used = current.memory_usage > current.memory_inactive_file
                          ? current.memory_usage - current.memory_inactive_file
                          : current.memory_usage;
  usage.memory_limit = current.memory_limit;
  if (current.memory_limit > 0)
    usage.memory_percent = static_cast<double>(usage.memory_used) / static_cast<double>(current.memory_limit) * 100.0;
  usage.net_rx = current.net_rx;
  usage.net_tx = current.net_tx;
  return usage;
}

}  // namespace ollama_stack::engine
