#include "ollama_stack/engine/cgroup_stats.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ollama_stack::engine {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::optional<uint64_t> to_u64(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<uint64_t> read_number(const fs::path& path) {
  auto text = read_text(path);
  return text ? to_u64(*text) : std::nullopt;
}

// The value of `key` in a "key value" per line file (memory.stat, cpu.stat, meminfo).
std::optional<uint64_t> read_keyed(const fs::path& path, std::string_view key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with(key) || line.size() <= key.size() || (line[key.size()] != ' ' && line[key.size()] != ':'))
      continue;
    std::string_view value(line);
    value.remove_prefix(key.size() + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (auto unit = value.find(' '); unit != std::string_view::npos) value = value.substr(0, unit);  // "kB"
    return to_u64(value);
  }
  return std::nullopt;
}

struct Mount {
  std::string root, point, type;
  std::vector<std::string> options;  // super options: the v1 controllers
};

std::vector<Mount> cgroup_mounts(const fs::path& mountinfo) {
  std::vector<Mount> mounts;
  std::ifstream in(mountinfo);
  std::string line;
  while (std::getline(in, line)) {
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    const auto before = split(line.substr(0, dash), ' ');
    const auto after = split(line.substr(dash + 3), ' ');
    if (before.size() < 5 || after.size() < 3 || (after[0] != "cgroup" && after[0] != "cgroup2")) continue;
    mounts.push_back({before[3], before[4], after[0], split(after[2], ',')});
  }
  return mounts;
}

// Directory of the cgroup `path` of a v1 controller ("" = the v2 hierarchy), or nullopt.
std::optional<fs::path> cgroup_dir(const std::vector<Mount>& mounts, const std::string& controller,
                                   const std::string& path) {
  for (const auto& mount : mounts) {
    const bool fits = controller.empty() ? mount.type == "cgroup2"
                                         : mount.type == "cgroup" && std::find(mount.options.begin(), mount.options.end(),
                                                                               controller) != mount.options.end();
    if (!fits) continue;
    std::string relative = path;
    if (mount.root != "/") {
      if (!path.starts_with(mount.root)) continue;
      relative = path.substr(mount.root.size());
    }
    return fs::path(mount.point) / fs::path(relative).relative_path();
  }
  return std::nullopt;
}

constexpr uint64_t kUnlimited = uint64_t{1} << 60;  // v1 reports "no limit" as a huge page-aligned number

}  // namespace

std::optional<StatsSample> read_cgroup_stats(int pid, std::string_view container_id, const HostFiles& files) {
  if (pid <= 0 || container_id.empty()) return std::nullopt;
  const auto membership = read_text(files.proc / std::to_string(pid) / "cgroup");
  if (!membership) return std::nullopt;
  std::string v2_path, cpu_path, memory_path;
  for (const auto& line : split(*membership, '\n')) {
    const auto fields = split(line, ':');
    if (fields.size() < 3) continue;
    const std::string path = line.substr(fields[0].size() + fields[1].size() + 2);
    if (path.find(container_id) == std::string::npos) continue;  // not this container's cgroup
    if (fields[0] == "0" && fields[1].empty()) v2_path = path;
    for (const auto& controller : split(fields[1], ',')) {
      if (controller == "cpuacct") cpu_path = path;
      if (controller == "memory") memory_path = path;
    }
  }
  const auto mounts = cgroup_mounts(files.proc / "self" / "mountinfo");
  StatsSample sample;
  sample.online_cpus = 1;
  sample.system_cpu = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
  std::optional<uint64_t> limit;
  if (!cpu_path.empty() && !memory_path.empty()) {  // cgroup v1
    const auto cpu_dir = cgroup_dir(mounts, "cpuacct", cpu_path);
    const auto memory_dir = cgroup_dir(mounts, "memory", memory_path);
    if (!cpu_dir || !memory_dir) return std::nullopt;
    const auto cpu = read_number(*cpu_dir / "cpuacct.usage");
    const auto memory = read_number(*memory_dir / "memory.usage_in_bytes");
    if (!cpu || !memory) return std::nullopt;
    sample.cpu_total = *cpu;
    sample.memory_usage = *memory;
    sample.memory_inactive_file = read_keyed(*memory_dir / "memory.stat", "total_inactive_file").value_or(0);
    limit = read_number(*memory_dir / "memory.limit_in_bytes");
  } else if (!v2_path.empty()) {
    const auto dir = cgroup_dir(mounts, "", v2_path);
    if (!dir) return std::nullopt;
    const auto cpu = read_keyed(*dir / "cpu.stat", "usage_usec");
    const auto memory = read_number(*dir / "memory.current");
    if (!cpu || !memory) return std::nullopt;
    sample.cpu_total = *cpu * 1000;
    sample.memory_usage = *memory;
    sample.memory_inactive_file = read_keyed(*dir / "memory.stat", "inactive_file").value_or(0);
    limit = read_number(*dir / "memory.max");  // "max" does not parse: no limit
  } else {
    return std::nullopt;
  }
  if (!limit || *limit >= kUnlimited) {
    const auto total_kib = read_keyed(files.proc / "meminfo", "MemTotal");
    limit = total_kib ? std::optional<uint64_t>(*total_kib * 1024) : std::nullopt;
  }
  sample.memory_limit = limit.value_or(0);
  return sample;
}

}  // namespace ollama_stack::engine
