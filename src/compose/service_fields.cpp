#include "service_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "node_values.hpp"
#include "ollama_stack/compose/shell_words.hpp"
#include "ollama_stack/compose/units.hpp"

namespace ollama_stack::compose {

std::chrono::nanoseconds duration_value(const Node& node, std::string_view path) {
  std::string text = as_string(node, path);
  auto value = parse_duration(text);
  if (!value) {
    fail_at(node, path, fmt::format("\"{}\" is not a duration", text),
            "write a number with a unit (us, ms, s, m, h), e.g. 30s, 1m30s or 500ms");
  }
  return *value;
}

int64_t byte_size_value(const Node& node, std::string_view path) {
  std::string text = as_string(node, path);
  auto value = parse_byte_size(text);
  if (!value) {
    fail_at(node, path, fmt::format("\"{}\" is not a size", text),
            "write bytes or a number with a unit (b, k, m, g), e.g. 512m or 2g");
  }
  return *value;
}

int64_t nano_cpus_value(const Node& node, std::string_view path) {
  double cpus = as_number(node, path);
  if (cpus < 0 || cpus > 1e6) fail_at(node, path, fmt::format("{} is not a CPU count", node.value));
  return static_cast<int64_t>(std::llround(cpus * 1e9));
}

std::vector<std::string> command_value(const Node& node, std::string_view path) {
  if (node.is_sequence()) return as_string_list(node, path);
  std::string text = as_string(node, path);
  auto words = split_shell_words(text);
  if (!words) fail_at(node, path, fmt::format("\"{}\" has an unclosed quote", text));
  return *words;
}

Healthcheck healthcheck_value(const Node& node, std::string_view path) {
  require_mapping(node, path);
  check_keys(
      node, path,
      {"test", "interval", "timeout", "start_period", "start_interval", "retries", "disable"},
      true);
  Healthcheck check;
  for_each_set(node, path, [&](const std::string& key, const Node& value, const std::string& at) {
    if (key == "test") {
      if (value.is_scalar()) {
        check.test = {"CMD-SHELL", value.value};
      } else {
        check.test = as_string_list(value, at);
        if (check.test.empty() ||
            (check.test[0] != "CMD" && check.test[0] != "CMD-SHELL" && check.test[0] != "NONE")) {
          fail_at(value, at, "a test list must start with \"CMD\", \"CMD-SHELL\" or \"NONE\"",
                  "e.g. [\"CMD\", \"curl\", \"-f\", \"http://localhost\"] or a shell string");
        }
      }
    } else if (key == "interval") {
      check.interval = duration_value(value, at);
    } else if (key == "timeout") {
      check.timeout = duration_value(value, at);
    } else if (key == "start_period") {
      check.start_period = duration_value(value, at);
    } else if (key == "start_interval") {
      check.start_interval = duration_value(value, at);
    } else if (key == "retries") {
      check.retries = static_cast<int>(as_int(value, at, 0, 1000000));
    }
  });
  if (const Node* disable = node.find("disable"); disable && !disable->is_null()) {
    if (as_bool(*disable, join_path(path, "disable"))) check.test = {"NONE"};
  }
  return check;
}

std::string restart_value(const Node& node, std::string_view path) {
  std::string text = as_string(node, path);
  if (text.empty() || text == "no" || text == "always" || text == "unless-stopped" || text == "on-failure")
    return text;
  if (text.starts_with("on-failure:")) {
    Node count = Node::scalar(text.substr(11), node.location);
    as_int(count, path, 0, 1000000);
    return text;
  }
  fail_at(node, path, fmt::format("\"{}\" is not a restart policy", text),
          "use no, always, on-failure, on-failure:N or unless-stopped");
}

std::vector<Dependency> depends_on_value(const Node& node, std::string_view path) {
  std::vector<Dependency> out;
  if (node.is_sequence()) {
    for (const auto& name : as_string_list(node, path)) out.push_back(Dependency{name});
    return out;
  }
  if (!node.is_mapping()) {
    fail_at(node, path,
            fmt::format("must be a list of service names or a mapping, not {}", kind_name(node)));
  }
  for (const auto& entry : node.entries) {
    std::string at = join_path(path, entry.key);
    Dependency dependency{entry.key};
    if (!entry.value.is_null()) {
      require_mapping(entry.value, at);
      check_keys(entry.value, at, {"condition", "required", "restart"});
      for_each_set(
          entry.value, at, [&](const std::string& key, const Node& value, const std::string& sub) {
            if (key == "condition") {
              std::string condition = as_string(value, sub);
              if (condition == "service_started") {
                dependency.condition = DependencyCondition::service_started;
              } else if (condition == "service_healthy") {
                dependency.condition = DependencyCondition::service_healthy;
              } else if (condition == "service_completed_successfully") {
                dependency.condition = DependencyCondition::service_completed_successfully;
              } else {
                fail_at(value, sub, fmt::format("\"{}\" is not a condition", condition),
                        "use service_started, service_healthy or service_completed_successfully");
              }
            } else if (key == "required") {
              dependency.required = as_bool(value, sub);
            } else if (key == "restart") {
              dependency.restart = as_bool(value, sub);
            }
          });
    }
    out.push_back(dependency);
  }
  return out;
}

std::vector<ServiceNetwork> networks_value(const Node& node, std::string_view path) {
  std::vector<ServiceNetwork> out;
  if (node.is_sequence()) {
    for (const auto& name : as_string_list(node, path)) out.push_back(ServiceNetwork{name, {}});
    return out;
  }
  if (!node.is_mapping()) {
    fail_at(node, path,
            fmt::format("must be a list of network names or a mapping, not {}", kind_name(node)));
  }
  for (const auto& entry : node.entries) {
    std::string at = join_path(path, entry.key);
    ServiceNetwork network{entry.key, {}};
    if (!entry.value.is_null()) {
      require_mapping(entry.value, at);
      check_keys(entry.value, at,
                 {"aliases", "ipv4_address", "ipv6_address", "link_local_ips", "mac_address",
                  "driver_opts", "priority", "gw_priority", "interface_name"},
                 true);
      for_each_set(
          entry.value, at, [&](const std::string& key, const Node& value, const std::string& sub) {
            if (key == "aliases") network.aliases = as_string_list(value, sub);
            if (key == "ipv4_address") network.ipv4_address = as_string(value, sub);
            if (key == "ipv6_address") network.ipv6_address = as_string(value, sub);
            if (key == "link_local_ips") network.link_local_ips = as_string_list(value, sub);
            if (key == "mac_address") network.mac_address = as_string(value, sub);
            if (key == "interface_name") network.interface_name = as_string(value, sub);
            if (key == "priority")
              network.priority = static_cast<int>(as_int(value, sub, INT32_MIN, INT32_MAX));
            if (key == "gw_priority")
              network.gw_priority = static_cast<int>(as_int(value, sub, INT32_MIN, INT32_MAX));
            if (key == "driver_opts") {
              network.driver_opts = as_string_map(value, sub);
            }
          });
    }
    out.push_back(network);
  }
  // Compose connects the networks by priority, highest first, then by name.
  std::stable_sort(out.begin(), out.end(), [](const ServiceNetwork& a, const ServiceNetwork& b) {
    return a.priority != b.priority ? a.priority > b.priority : a.key < b.key;
  });
  return out;
}

std::vector<std::string> extra_hosts_value(const Node& node, std::string_view path) {
  std::vector<std::string> out;
  auto add = [&](std::string host, std::string ip, const Node& where, const std::string& at) {
    if (host.empty() || ip.empty()) {
      fail_at(where, at, fmt::format("\"{}:{}\" is not host:ip", host, ip),
              "e.g. host.docker.internal:host-gateway");
    }
    out.push_back(host + ":" + ip);
  };
  if (node.is_mapping()) {
    for (const auto& entry : node.entries) {
      std::string at = join_path(path, entry.key);
      add(entry.key, entry.value.is_null() ? "" : as_string(entry.value, at), entry.value, at);
    }
    return out;
  }
  if (!node.is_sequence()) {
    fail_at(node, path,
            fmt::format("must be a list of \"host:ip\" or a mapping, not {}", kind_name(node)));
  }
  for (size_t i = 0; i < node.items.size(); ++i) {
    std::string at = index_path(path, i);
    std::string text = as_string(node.items[i], at);
    size_t split = text.find('=');
    if (split == std::string::npos) split = text.find(':');
    if (split == std::string::npos) {
      add(text, "", node.items[i], at);
    } else {
      add(text.substr(0, split), text.substr(split + 1), node.items[i], at);
    }
  }
  return out;
}

bool is_cdi_device(std::string_view name) {
  // vendor.com/class=name (container-device-interface qualified names)
  const auto slash = name.find('/');
  const auto equals = name.find('=');
  return !name.starts_with('/') && slash != std::string_view::npos && slash > 0 &&
         equals != std::string_view::npos && equals > slash + 1 && equals + 1 < name.size();
}

std::vector<DeviceMapping> devices_value(const Node& node, std::string_view path) {
  std::vector<DeviceMapping> out;
  require_sequence(node, path);
  for (size_t i = 0; i < node.items.size(); ++i) {
    const Node& item = node.items[i];
    const std::string at = index_path(path, i);
    DeviceMapping device;
    std::string shown;
    if (item.is_mapping()) {
      check_keys(item, at, {"source", "target", "permissions"}, true);
      for_each_set(item, at,
                   [&](const std::string& key, const Node& value, const std::string& sub) {
                     if (key == "source") device.host_path = as_string(value, sub);
                     if (key == "target") device.container_path = as_string(value, sub);
                     if (key == "permissions") device.permissions = as_string(value, sub);
                   });
      if (device.container_path.empty()) device.container_path = device.host_path;
      shown = device.host_path;
    } else {
      const std::string text = as_string(item, at);
      shown = text;
      if (is_cdi_device(text)) {
        out.push_back(DeviceMapping{text, text, ""});
        continue;
      }
      std::vector<std::string> parts;
      for (size_t start = 0;;) {
        size_t colon = text.find(':', start);
        parts.push_back(text.substr(start, colon == std::string::npos ? colon : colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
      }
      if (parts.size() > 3)
        fail_at(item, at, fmt::format("\"{}\" is not a device mapping", text),
                "write /dev/host[:/dev/container[:rwm]]");
      device.host_path = parts[0];
      device.container_path = parts[0];
      if (parts.size() >= 2 && parts[1].starts_with('/')) device.container_path = parts[1];
      if (parts.size() == 3 || (parts.size() == 2 && !parts[1].starts_with('/')))
        device.permissions = parts.back();
    }
    bool permissions_ok = !device.permissions.empty() &&
                          device.permissions.find_first_not_of("rwm") == std::string::npos;
    if (!device.host_path.starts_with('/') || !device.container_path.starts_with('/') ||
        !permissions_ok) {
      fail_at(item, at, fmt::format("\"{}\" is not a device mapping", shown),
              "write /dev/host[:/dev/container[:rwm]], {source, target, permissions} or a CDI name "
              "(vendor.com/class=name)");
    }
    auto same = std::find_if(out.begin(), out.end(), [&](const DeviceMapping& d) {
      return d.container_path == device.container_path;
    });
    if (same != out.end())
      *same = device;
    else
      out.push_back(device);
  }
  return out;
}

std::vector<Ulimit> ulimits_value(const Node& node, std::string_view path) {
  require_mapping(node, path);
  std::vector<Ulimit> out;
  constexpr int64_t max = INT64_MAX;
  for (const auto& entry : node.entries) {
    std::string at = join_path(path, entry.key);
    Ulimit limit{entry.key, 0, 0};
    if (entry.value.is_mapping()) {
      check_keys(entry.value, at, {"soft", "hard"});
      const Node* soft = entry.value.find("soft");
      const Node* hard = entry.value.find("hard");
      if (soft == nullptr || hard == nullptr) fail_at(entry.value, at, "needs both soft and hard");
      limit.soft = as_int(*soft, join_path(at, "soft"), -1, max);
      limit.hard = as_int(*hard, join_path(at, "hard"), -1, max);
      if (limit.hard != -1 && (limit.soft == -1 || limit.soft > limit.hard)) {
        fail_at(entry.value, at, "the soft limit is above the hard limit");
      }
    } else {
      limit.soft = limit.hard = as_int(entry.value, at, -1, max);
    }
    out.push_back(limit);
  }
  return out;
}

DeviceRequest device_request_value(const Node& node, std::string_view path) {
  require_mapping(node, path);
  check_keys(node, path, {"driver", "count", "device_ids", "capabilities", "options"});
  DeviceRequest request;
  const Node* count = nullptr;
  for_each_set(node, path, [&](const std::string& key, const Node& value, const std::string& at) {
    if (key == "driver") {
      request.driver = as_string(value, at);
    } else if (key == "count") {
      count = &value;
      request.count = value.is_scalar() && value.value == "all"
                          ? -1
                          : static_cast<int>(as_int(value, at, 1, 1024));
    } else if (key == "device_ids") {
      request.device_ids = as_string_list(value, at);
    } else if (key == "capabilities") {
      request.capabilities = as_string_list(value, at);
    } else if (key == "options") {
      request.options = as_string_map(value, at);
    }
  });
  if (!request.device_ids.empty()) {
    if (count != nullptr) {
      fail_at(*count, join_path(path, "count"), "count and device_ids cannot be used together",
              "remove one of them");
    }
    request.count = 0;
  }
  return request;
}

std::vector<DeviceRequest> gpus_value(const Node& node, std::string_view path) {
  if (node.is_scalar()) {
    if (node.value != "all") {
      fail_at(node, path, fmt::format("\"{}\" is not \"all\" or a list of devices", node.value),
              "write gpus: all, or a list like [{driver: nvidia, count: 1}]");
    }
    return {DeviceRequest{"nvidia", -1, {}, {"gpu"}, {}}};
  }
  require_sequence(node, path);
  std::vector<DeviceRequest> out;
  for (size_t i = 0; i < node.items.size(); ++i) {
    DeviceRequest request = device_request_value(node.items[i], index_path(path, i));
    // `gpus` implies the gpu capability (Compose appends it).
    if (std::find(request.capabilities.begin(), request.capabilities.end(), "gpu") ==
        request.capabilities.end())
      request.capabilities.push_back("gpu");
    out.push_back(std::move(request));
  }
  return out;
}

}  // namespace ollama_stack::compose
