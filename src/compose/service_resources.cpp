// Resource keys of a service (CPU, memory, PIDs, block IO) and `deploy:`.
#include <fmt/format.h>

#include "node_values.hpp"
#include "ollama_stack/compose/service_options.hpp"
#include "ollama_stack/compose/units.hpp"
#include "service_fields.hpp"

namespace ollama_stack::compose {
namespace {

// An integer, or a duration turned into microseconds (cpu_rt_period / cpu_rt_runtime).
int64_t microseconds_value(const Node& node, std::string_view path) {
  if (node.is_scalar() && !node.value.empty() &&
      node.value.find_first_not_of("0123456789-") == std::string::npos)
    return as_int(node, path, -1, INT64_MAX);
  return std::chrono::duration_cast<std::chrono::microseconds>(duration_value(node, path)).count();
}

std::vector<BlkioDevice> blkio_devices(const Node& node, std::string_view path,
                                       const char* value_key, bool byte_rate) {
  std::vector<BlkioDevice> out;
  require_sequence(node, path);
  for (size_t i = 0; i < node.items.size(); ++i) {
    const Node& item = node.items[i];
    const std::string at = index_path(path, i);
    require_mapping(item, at);
    check_keys(item, at, {"path", value_key}, true);
    const Node* device = item.find("path");
    const Node* value = item.find(value_key);
    if (device == nullptr || value == nullptr)
      fail_at(item, at, fmt::format("needs both path and {}", value_key));
    BlkioDevice entry;
    entry.path = as_string(*device, join_path(at, "path"));
    const std::string value_at = join_path(at, value_key);
    if (byte_rate)
      entry.value = byte_size_value(*value, value_at);
    else if (std::string_view(value_key) == "weight")
      entry.value = as_int(*value, value_at, 10, 1000);
    else
      entry.value = as_int(*value, value_at, 0, INT64_MAX);
    out.push_back(std::move(entry));
  }
  return out;
}

Blkio blkio_value(const Node& node, std::string_view path) {
  require_mapping(node, path);
  check_keys(node, path,
             {"weight", "weight_device", "device_read_bps", "device_read_iops", "device_write_bps",
              "device_write_iops"},
             true);
  Blkio blkio;
  for_each_set(
      node, path,
      [&](const std::string& key, const Node& value, const std::string& at, const Location&) {
        if (key == "weight") blkio.weight = static_cast<int>(as_int(value, at, 10, 1000));
        if (key == "weight_device") blkio.weight_device = blkio_devices(value, at, "weight", false);
        if (key == "device_read_bps")
          blkio.device_read_bps = blkio_devices(value, at, "rate", true);
        if (key == "device_read_iops")
          blkio.device_read_iops = blkio_devices(value, at, "rate", false);
        if (key == "device_write_bps")
          blkio.device_write_bps = blkio_devices(value, at, "rate", true);
        if (key == "device_write_iops")
          blkio.device_write_iops = blkio_devices(value, at, "rate", false);
      });
  return blkio;
}

std::string restart_policy_value(const Node& node, std::string_view path,
                                 const ConvertContext& context) {
  require_mapping(node, path);
  check_keys(node, path, {"condition", "delay", "max_attempts", "window"}, true);
  std::string condition;
  std::optional<int64_t> attempts;
  for_each_set(
      node, path,
      [&](const std::string& key, const Node& value, const std::string& at, const Location& where) {
        if (key == "condition") condition = as_string(value, at);
        if (key == "max_attempts") attempts = as_int(value, at, 0, 1000000);
        if (key == "delay" || key == "window") {
          duration_value(value, at);
          context.warn(where, at, "ignored: the engine's restart policy has no delay or window");
        }
      });
  // Swarm's names map onto the engine's (Compose does the same).
  if (condition == "none" || condition == "no") return "no";
  if (condition == "any" || condition == "always") return "always";
  if (condition == "unless-stopped") return condition;
  if (condition == "on-failure")
    return attempts ? fmt::format("on-failure:{}", *attempts) : condition;
  if (condition.empty()) return "";
  fail_at(*node.find("condition"), join_path(path, "condition"),
          fmt::format("\"{}\" is not a restart condition", condition),
          "use none, on-failure or any");
}

}  // namespace

bool convert_resource_option(Service& service, const std::string& key, const Node& value,
                             const std::string& at) {
  if (key == "cpu_shares")
    service.cpu_shares = as_int(value, at, 0, INT64_MAX);
  else if (key == "cpu_period")
    service.cpu_period = microseconds_value(value, at);
  else if (key == "cpu_quota")
    service.cpu_quota = microseconds_value(value, at);
  else if (key == "cpu_rt_period")
    service.cpu_rt_period = microseconds_value(value, at);
  else if (key == "cpu_rt_runtime")
    service.cpu_rt_runtime = microseconds_value(value, at);
  else if (key == "cpu_count")
    service.cpu_count = as_int(value, at, 0, INT64_MAX);
  else if (key == "cpu_percent")
    service.cpu_percent = as_int(value, at, 0, 100);
  else if (key == "cpuset")
    service.cpuset = as_string(value, at);
  else if (key == "memswap_limit") {
    service.memswap_limit =
        value.is_scalar() && value.value == "-1" ? -1 : byte_size_value(value, at);
  } else if (key == "mem_swappiness")
    service.mem_swappiness = as_int(value, at, 0, 100);
  else if (key == "oom_kill_disable")
    service.oom_kill_disable = as_bool(value, at);
  else if (key == "oom_score_adj")
    service.oom_score_adj = static_cast<int>(as_int(value, at, -1000, 1000));
  else if (key == "blkio_config")
    service.blkio = blkio_value(value, at);
  else
    return false;
  return true;
}

DeployResources deploy_value(const Node& node, std::string_view path,
                             const ConvertContext& context) {
  DeployResources out;
  require_mapping(node, path);
  check_keys(node, path,
             {"mode", "replicas", "resources", "restart_policy", "labels", "placement",
              "update_config", "rollback_config", "endpoint_mode"},
             true);
  auto swarm_only = [&](const Location& where, std::string_view at) {
    context.warn(where, at, "ignored: it configures Docker Swarm, not a single engine");
  };
  for_each_set(
      node, path,
      [&](const std::string& key, const Node& value, const std::string& at, const Location& where) {
        if (key == "replicas") {
          out.replicas = static_cast<int>(as_int(value, at, 0, 1000));
        } else if (key == "mode") {
          const std::string mode = as_string(value, at);
          if (mode == "global") {
            context.warn(where, at, "one container runs: a single engine is one node");
          } else if (mode != "replicated") {
            fail_at(value, at, fmt::format("\"{}\" is not replicated or global", mode));
          }
        } else if (key == "restart_policy") {
          if (auto restart = restart_policy_value(value, at, context); !restart.empty())
            out.restart = restart;
        } else if (key == "resources") {
          require_mapping(value, at);
          check_keys(value, at, {"limits", "reservations"}, true);
          for_each_set(
              value, at,
              [&](const std::string& kind, const Node& group, const std::string& group_at,
                  const Location&) {
                require_mapping(group, group_at);
                if (kind == "limits") {
                  check_keys(group, group_at, {"memory", "cpus", "pids"}, true);
                  for_each_set(group, group_at,
                               [&](const std::string& k, const Node& v, const std::string& sub,
                                   const Location&) {
                                 if (k == "memory") out.memory_limit = byte_size_value(v, sub);
                                 if (k == "cpus") out.nano_cpus = nano_cpus_value(v, sub);
                                 if (k == "pids") out.pids_limit = as_int(v, sub, -1, INT64_MAX);
                               });
                  return;
                }
                check_keys(group, group_at, {"memory", "devices", "cpus", "generic_resources"},
                           true);
                for_each_set(
                    group, group_at,
                    [&](const std::string& k, const Node& v, const std::string& sub,
                        const Location& k_where) {
                      if (k == "memory") out.memory_reservation = byte_size_value(v, sub);
                      if (k == "cpus") {
                        nano_cpus_value(v, sub);
                        context.warn(
                            k_where, sub,
                            "ignored: the engine reserves no CPUs (Compose ignores it too)");
                      }
                      if (k == "generic_resources") swarm_only(k_where, sub);
                      if (k == "devices") {
                        require_sequence(v, sub);
                        for (size_t i = 0; i < v.items.size(); ++i)
                          out.devices.push_back(
                              device_request_value(v.items[i], index_path(sub, i)));
                      }
                    });
              });
        } else {
          swarm_only(where,
                     at);  // labels, placement, update_config, rollback_config, endpoint_mode
        }
      });
  return out;
}

}  // namespace ollama_stack::compose
