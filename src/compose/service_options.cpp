// Service keys with a direct engine counterpart: namespaces, process, DNS, logging, kernel
// settings, and the grants of configs and secrets.
#include "ollama_stack/compose/service_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "node_values.hpp"

namespace ollama_stack::compose {
namespace {

// A namespace mode; "service:NAME" and "container:NAME" must name something. Other values go to
// the engine as written (it knows which modes and network names it has), as Compose does.
std::string namespace_mode(const Node& node, std::string_view path) {
  std::string mode = as_string(node, path);
  if ((mode.starts_with("service:") || mode.starts_with("container:")) &&
      mode.find(':') + 1 == mode.size())
    fail_at(node, path, fmt::format("\"{}\" names no service or container", mode));
  return mode;
}

std::string absolute_target(const Node& node, std::string_view path, std::string_view target) {
  if (!target.starts_with('/'))
    fail_at(node, path, fmt::format("\"{}\": the container path must be absolute", target));
  std::string normal = std::filesystem::path(target).lexically_normal().string();
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

std::vector<std::string> tmpfs_value(const Node& node, std::string_view path) {
  std::vector<std::string> out;
  auto entries = as_string_or_list(node, path);
  for (size_t i = 0; i < entries.size(); ++i) {
    const Node& where = node.is_sequence() ? node.items[i] : node;
    const std::string at = node.is_sequence() ? index_path(path, i) : std::string(path);
    const auto colon = entries[i].find(':');
    std::string target = absolute_target(where, at, entries[i].substr(0, colon));
    out.push_back(colon == std::string::npos ? target : target + entries[i].substr(colon));
  }
  return out;
}

std::vector<std::string> volumes_from_value(const Node& node, std::string_view path) {
  auto entries = as_string_list(node, path);
  for (size_t i = 0; i < entries.size(); ++i) {
    std::string_view rest = entries[i];
    if (rest.starts_with("container:")) rest.remove_prefix(10);
    const auto colon = rest.find(':');
    const auto mode = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    if (rest.empty() || colon == 0 ||
        (colon != std::string_view::npos && mode != "ro" && mode != "rw")) {
      fail_at(node.items[i], index_path(path, i),
              fmt::format("\"{}\" is not a volumes_from entry", entries[i]),
              "write SERVICE[:ro|rw] or container:NAME[:ro|rw]");
    }
  }
  return entries;
}

Logging logging_value(const Node& node, std::string_view path) {
  require_mapping(node, path);
  check_keys(node, path, {"driver", "options"}, true);
  Logging logging;
  if (const Node* driver = node.find("driver"); driver && !driver->is_null())
    logging.driver = as_string(*driver, join_path(path, "driver"));
  if (const Node* options = node.find("options"); options && !options->is_null()) {
    require_mapping(*options, join_path(path, "options"));
    // A null option value is left out, as Compose does.
    for (auto& kv : as_key_values(*options, join_path(path, "options")))
      if (kv.value) logging.options[kv.key] = *kv.value;
  }
  return logging;
}

}  // namespace

std::vector<std::string> expose_value(const Node& node, std::string_view path) {
  std::vector<std::string> out;
  require_sequence(node, path);
  for (size_t i = 0; i < node.items.size(); ++i) {
    const std::string at = index_path(path, i);
    const std::string text = as_string(node.items[i], at);
    std::string_view ports = text;
    std::string protocol = "tcp";
    if (auto slash = ports.find('/'); slash != std::string_view::npos) {
      protocol = std::string(ports.substr(slash + 1));
      ports = ports.substr(0, slash);
    }
    auto number = [&](std::string_view digits) {
      unsigned value = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
          value < 1 || value > 65535)
        fail_at(node.items[i], at, fmt::format("\"{}\" is not a port or a port range", text),
                "write PORT[/PROTOCOL] or START-END[/PROTOCOL], e.g. 8080 or 8000-8010/udp");
      return value;
    };
    const auto dash = ports.find('-');
    const unsigned first = number(ports.substr(0, dash));
    const unsigned last = dash == std::string_view::npos ? first : number(ports.substr(dash + 1));
    if (protocol != "tcp" && protocol != "udp" && protocol != "sctp")
      fail_at(node.items[i], at,
              fmt::format("\"{}\" is not a protocol (tcp, udp or sctp)", protocol));
    if (last < first)
      fail_at(node.items[i], at, fmt::format("\"{}\": the range runs backwards", text));
    for (unsigned port = first; port <= last; ++port) {
      std::string key = fmt::format("{}/{}", port, protocol);
      if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(std::move(key));
    }
  }
  return out;
}

int file_mode_value(const Node& node, std::string_view path) {
  std::string text = as_string(node, path);
  int base = 10;
  std::string_view digits = text;
  if (digits.starts_with("0o") || digits.starts_with("0O")) {
    base = 8;
    digits.remove_prefix(2);
  } else if (digits.size() > 1 && digits.starts_with('0')) {
    base = 8;  // YAML 1.1 octal, as written in most compose files (0440)
  }
  int value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value < 0 ||
      value > 07777)
    fail_at(node, path, fmt::format("\"{}\" is not a file mode", text),
            "write it in octal, e.g. 0440");
  return value;
}

std::vector<FileGrant> file_grants_value(const Node& node, std::string_view path, bool is_secret) {
  require_sequence(node, path);
  std::vector<FileGrant> out;
  for (size_t i = 0; i < node.items.size(); ++i) {
    const Node& item = node.items[i];
    const std::string at = index_path(path, i);
    FileGrant grant;
    std::string target;
    if (item.is_scalar()) {
      grant.source = item.value;
    } else {
      require_mapping(item, at);
      check_keys(item, at, {"source", "target", "uid", "gid", "mode"}, true);
      for (const auto& entry : item.entries) {
        if (entry.value.is_null() || entry.key.starts_with("x-")) continue;
        const std::string field = join_path(at, entry.key);
        if (entry.key == "source") grant.source = as_string(entry.value, field);
        if (entry.key == "target") target = as_string(entry.value, field);
        if (entry.key == "uid") grant.uid = as_string(entry.value, field);
        if (entry.key == "gid") grant.gid = as_string(entry.value, field);
        if (entry.key == "mode") grant.mode = file_mode_value(entry.value, field);
      }
      for (const auto* id : {&grant.uid, &grant.gid}) {
        if (!id->empty() && id->find_first_not_of("0123456789") != std::string::npos)
          fail_at(item, at, fmt::format("\"{}\" is not a numeric uid or gid", *id));
      }
    }
    if (grant.source.empty())
      fail_at(item, at, "names no source", "write the name of a top-level entry");
    if (target.empty()) target = grant.source;
    if (!target.starts_with('/')) target = (is_secret ? "/run/secrets/" : "/") + target;
    grant.target = absolute_target(item, at, target);
    // A later grant of the same target replaces the earlier one, as Compose merges them.
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const FileGrant& g) { return g.target == grant.target; });
    if (same != out.end())
      *same = grant;
    else
      out.push_back(grant);
  }
  return out;
}

bool convert_service_option(Service& service, const std::string& key, const Node& value,
                            const std::string& at) {
  if (key == "hostname")
    service.hostname = as_string(value, at);
  else if (key == "domainname")
    service.domainname = as_string(value, at);
  else if (key == "mac_address")
    service.mac_address = as_string(value, at);
  else if (key == "stop_signal")
    service.stop_signal = as_string(value, at);
  else if (key == "platform")
    service.platform = as_string(value, at);
  else if (key == "runtime")
    service.runtime = as_string(value, at);
  else if (key == "isolation")
    service.isolation = as_string(value, at);
  else if (key == "userns_mode")
    service.userns_mode = as_string(value, at);
  else if (key == "cgroup_parent")
    service.cgroup_parent = as_string(value, at);
  else if (key == "expose")
    service.expose = expose_value(value, at);
  else if (key == "init")
    service.init = as_bool(value, at);
  else if (key == "privileged")
    service.privileged = as_bool(value, at);
  else if (key == "read_only")
    service.read_only = as_bool(value, at);
  else if (key == "network_mode")
    service.network_mode = namespace_mode(value, at);
  else if (key == "ipc")
    service.ipc = namespace_mode(value, at);
  else if (key == "pid")
    service.pid = namespace_mode(value, at);
  else if (key == "uts")
    service.uts = namespace_mode(value, at);
  else if (key == "cgroup") {
    service.cgroup = as_string(value, at);
    if (service.cgroup != "host" && service.cgroup != "private")
      fail_at(value, at, fmt::format("\"{}\" is not host or private", service.cgroup));
  } else if (key == "group_add")
    service.group_add = as_string_list(value, at);
  else if (key == "cap_drop")
    service.cap_drop = as_string_list(value, at);
  else if (key == "device_cgroup_rules")
    service.device_cgroup_rules = as_string_list(value, at);
  else if (key == "dns")
    service.dns = as_string_or_list(value, at);
  else if (key == "dns_search")
    service.dns_search = as_string_or_list(value, at);
  else if (key == "dns_opt")
    service.dns_opt = as_string_list(value, at);
  else if (key == "links")
    service.links = as_string_list(value, at);
  else if (key == "external_links")
    service.external_links = as_string_list(value, at);
  else if (key == "sysctls")
    service.sysctls = as_string_map(value, at);
  else if (key == "annotations")
    service.annotations = as_string_map(value, at);
  else if (key == "storage_opt") {
    require_mapping(value, at);
    service.storage_opt = as_string_map(value, at);
  } else if (key == "tmpfs")
    service.tmpfs = tmpfs_value(value, at);
  else if (key == "volumes_from")
    service.volumes_from = volumes_from_value(value, at);
  else if (key == "logging")
    service.logging = logging_value(value, at);
  else if (key == "configs")
    service.configs = file_grants_value(value, at, false);
  else if (key == "secrets")
    service.secrets = file_grants_value(value, at, true);
  else
    return false;
  return true;
}

}  // namespace ollama_stack::compose
