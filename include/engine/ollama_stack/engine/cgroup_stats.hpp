#pragma once
// A running container's CPU and memory read straight from the kernel's cgroup files, when the
// engine runs on this host. The engine's own stats endpoint serves samples from a collector that
// ticks once a second, so two samples of one container (or one sample each of several) cost up to
// a second or two; the cgroup files answer at once, which is what lets `status` measure CPU % over
// 100 ms. Docker's own numbers come from the same files.
//
// The container's main process is looked up in /proc/<pid>/cgroup, and its cgroup path must
// contain the container's id: a remote engine, a VM (Docker Desktop) or a reused pid gives
// nullopt, and the caller falls back to the engine's stats endpoint.
#include <filesystem>
#include <optional>
#include <string_view>

#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::engine {

struct HostFiles {
  std::filesystem::path proc = "/proc";  // tests point it at a fake tree
};

// A sample with cpu_total and memory as the stats endpoint would report them, system_cpu the
// monotonic clock in ns and online_cpus 1, so compute_usage() of two samples gives CPU % of one
// core over the time between them. Memory limit: the cgroup's, else the host's total memory.
std::optional<StatsSample> read_cgroup_stats(int pid, std::string_view container_id, const HostFiles& files = {});

}  // namespace ollama_stack::engine
