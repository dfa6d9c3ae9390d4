// One service mapping → Service.
#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "node_values.hpp"
#include "ollama_stack/compose/convert.hpp"
#include "ollama_stack/compose/dotenv.hpp"
#include "ollama_stack/compose/mounts.hpp"
#include "ollama_stack/compose/ports.hpp"
#include "ollama_stack/compose/service_options.hpp"
#include "ollama_stack/compose/text_decode.hpp"
#include "ollama_stack/compose/units.hpp"
#include "ollama_stack/util/error.hpp"
#include "service_fields.hpp"

namespace ollama_stack::compose {
namespace {

void check_name(const Node& node, std::string_view path, const std::string& value,
                const char* pattern, std::string_view what) {
  if (!std::regex_match(value, std::regex(pattern))) {
    fail_at(node, path, fmt::format("\"{}\" is not a valid {}", value, what));
  }
}

// A key and the deploy setting that must agree with it when both are written (Compose refuses
// distinct values).
template <typename T>
std::optional<T> agreed(const std::optional<T>& direct, const std::optional<T>& from_deploy,
                        const Node& node, std::string_view path, std::string_view direct_key,
                        std::string_view deploy_key) {
  if (direct && from_deploy && *direct != *from_deploy) {
    fail_at(node, path, fmt::format("{} and {} have distinct values", direct_key, deploy_key),
            "keep one of them");
  }
  return from_deploy ? from_deploy : direct;
}

const char* pull_policy_hint =
    "use always, never, missing, if_not_present, build, daily, weekly or every_<duration> (e.g. "
    "every_12h)";

void set_pull_policy(Service& service, const Node& value, std::string_view at) {
  const std::string policy = as_string(value, at);
  if (policy == "always" || policy == "never" || policy == "missing" || policy == "build") {
    service.pull_policy = policy;
  } else if (policy == "if_not_present") {
    service.pull_policy = "missing";
  } else if (policy == "daily" || policy == "weekly" || policy.starts_with("every_")) {
    std::chrono::seconds refresh{policy == "daily" ? 86400 : 7 * 86400};
    if (policy.starts_with("every_")) {
      // Weeks and days as well as Go durations: every_1w2d, every_12h30m.
      std::string text = policy.substr(6);
      int64_t extra = 0;
      for (const auto& [unit, seconds] : {std::pair{'w', 7 * 86400}, std::pair{'d', 86400}}) {
        if (auto at_unit = text.find(unit); at_unit != std::string::npos) {
          const std::string digits = text.substr(0, at_unit);
          if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
            fail_at(value, at, fmt::format("\"{}\" is not a pull policy", policy),
                    pull_policy_hint);
          extra += std::stoll(digits) * seconds;
          text.erase(0, at_unit + 1);
        }
      }
      auto rest = text.empty() ? std::optional<std::chrono::nanoseconds>(0) : parse_duration(text);
      if (!rest || extra + rest->count() == 0)
        fail_at(value, at, fmt::format("\"{}\" is not a pull policy", policy), pull_policy_hint);
      refresh =
          std::chrono::seconds(extra) + std::chrono::duration_cast<std::chrono::seconds>(*rest);
    }
    service.pull_policy = "refresh";
    service.pull_refresh = refresh;
  } else {
    fail_at(value, at, fmt::format("\"{}\" is not a pull policy", policy), pull_policy_hint);
  }
}

// Keys that mean nothing to one engine without a plugin or Docker Desktop: accepted, reported.
const char* ignored_reason(std::string_view key) {
  if (key == "attach")
    return "ignored: ollama-stack does not attach to containers (use `ollama-stack logs`)";
  if (key == "develop") return "ignored: develop (watch) is for `docker compose watch`";
  if (key == "credential_spec") return "ignored: it configures Windows containers";
  if (key == "models") return "ignored: models need Docker Model Runner (Docker Desktop)";
  if (key == "post_start" || key == "pre_stop" || key == "pre_start")
    return "ignored: lifecycle hooks are not run by ollama-stack";
  if (key == "use_api_socket") return "ignored: mount the engine's socket as a volume instead";
  if (key == "pull_refresh_after") return "ignored: use pull_policy: every_<duration>";
  return nullptr;
}

}  // namespace

Service convert_service(const std::string& name, const Node& node, const ConvertContext& context) {
  const std::string path = join_path("services", name);
  require_mapping(node, path);
  check_keys(node, path,
             {"annotations",
              "attach",
              "blkio_config",
              "build",
              "cap_add",
              "cap_drop",
              "cgroup",
              "cgroup_parent",
              "command",
              "configs",
              "container_name",
              "cpu_count",
              "cpu_percent",
              "cpu_period",
              "cpu_quota",
              "cpu_rt_period",
              "cpu_rt_runtime",
              "cpu_shares",
              "cpus",
              "cpuset",
              "credential_spec",
              "depends_on",
              "deploy",
              "develop",
              "device_cgroup_rules",
              "devices",
              "dns",
              "dns_opt",
              "dns_search",
              "domainname",
              "entrypoint",
              "env_file",
              "environment",
              "expose",
              "extends",
              "external_links",
              "extra_hosts",
              "gpus",
              "group_add",
              "healthcheck",
              "hostname",
              "image",
              "init",
              "ipc",
              "isolation",
              "label_file",
              "labels",
              "links",
              "logging",
              "mac_address",
              "mem_limit",
              "mem_reservation",
              "mem_swappiness",
              "memswap_limit",
              "models",
              "network_mode",
              "networks",
              "oom_kill_disable",
              "oom_score_adj",
              "pid",
              "pids_limit",
              "platform",
              "ports",
              "post_start",
              "pre_start",
              "pre_stop",
              "privileged",
              "profiles",
              "provider",
              "pull_policy",
              "pull_refresh_after",
              "read_only",
              "restart",
              "runtime",
              "scale",
              "secrets",
              "security_opt",
              "shm_size",
              "stdin_open",
              "stop_grace_period",
              "stop_signal",
              "storage_opt",
              "sysctls",
              "tmpfs",
              "tty",
              "ulimits",
              "use_api_socket",
              "user",
              "userns_mode",
              "uts",
              "volumes",
              "volumes_from",
              "working_dir"},
             true);
  Service service;
  service.name = name;
  service.defined_in = node.location.file;
  std::optional<int64_t> mem_limit, cpus, mem_reservation, pids_limit;
  std::optional<int> scale;
  std::optional<DeployResources> deploy;
  std::vector<DeviceRequest> gpus;
  std::map<std::string, std::string> env_file, label_file;
  std::vector<KeyValue> environment;
  bool networks_written = false;

  for (const auto& entry : node.entries) {
    const std::string& key = entry.key;
    const Node& value = entry.value;
    const std::string at = join_path(path, key);
    if (key.starts_with("x-")) {
      service.extensions[key] = to_json(value);
      continue;
    }
    if (value.is_null()) continue;
    if (const char* reason = ignored_reason(key)) {
      context.warn(entry.key_location, at, reason);
    } else if (key == "provider") {
      fail_at(
          entry.key_location, at, "provider services need a Docker Compose provider plugin",
          "run the provider's service yourself and refer to it with external_links or extra_hosts");
    } else if (key == "extends") {
      // Resolved while loading (see extends.cpp); a leftover means a caller skipped that stage.
      continue;
    } else if (convert_service_option(service, key, value, at) ||
               convert_resource_option(service, key, value, at)) {
      continue;
    } else if (key == "image") {
      service.image = as_string(value, at);
      if (service.image.empty()) {
        fail_at(value, at, "the image name is empty",
                "check the variable that sets it, or remove the key");
      }
    } else if (key == "build") {
      service.build = build_value(value, at, context);
    } else if (key == "container_name") {
      service.container_name = as_string(value, at);
      check_name(value, at, service.container_name, "[a-zA-Z0-9][a-zA-Z0-9_.-]+", "container name");
    } else if (key == "command") {
      service.command = command_value(value, at);
    } else if (key == "entrypoint") {
      service.entrypoint = command_value(value, at);
    } else if (key == "environment") {
      environment = as_key_values(value, at);
    } else if (key == "env_file") {
      env_file = key_value_files(value, at, context, true);
    } else if (key == "label_file") {
      label_file = key_value_files(value, at, context, false);
    } else if (key == "ports") {
      require_sequence(value, at);
      for (size_t i = 0; i < value.items.size(); ++i) {
        for (const auto& port : parse_port_entry(value.items[i], index_path(at, i))) {
          if (std::find(service.ports.begin(), service.ports.end(), port) == service.ports.end()) {
            service.ports.push_back(port);
          }
        }
      }
    } else if (key == "volumes") {
      require_sequence(value, at);
      for (size_t i = 0; i < value.items.size(); ++i) {
        Mount mount = parse_volume_entry(value.items[i], index_path(at, i), context.working_dir,
                                         context.lookup);
        // A later entry for the same container path replaces the earlier one (Compose's merge).
        auto same = std::find_if(service.volumes.begin(), service.volumes.end(),
                                 [&](const Mount& other) { return other.target == mount.target; });
        if (same != service.volumes.end())
          *same = mount;
        else
          service.volumes.push_back(mount);
      }
    } else if (key == "networks") {
      service.networks = networks_value(value, at);
      networks_written = true;
    } else if (key == "labels") {
      service.labels = as_string_map(value, at);
    } else if (key == "healthcheck") {
      service.healthcheck = healthcheck_value(value, at);
    } else if (key == "restart") {
      service.restart = restart_value(value, at);
    } else if (key == "mem_limit") {
      mem_limit = byte_size_value(value, at);
    } else if (key == "mem_reservation") {
      mem_reservation = byte_size_value(value, at);
    } else if (key == "pids_limit") {
      pids_limit = as_int(value, at, -1, INT64_MAX);
    } else if (key == "cpus") {
      cpus = nano_cpus_value(value, at);
    } else if (key == "shm_size") {
      service.shm_size_bytes = byte_size_value(value, at);
    } else if (key == "scale") {
      scale = static_cast<int>(as_int(value, at, 0, 1000));
    } else if (key == "deploy") {
      deploy = deploy_value(value, at, context);
    } else if (key == "gpus") {
      gpus = gpus_value(value, at);
    } else if (key == "pull_policy") {
      set_pull_policy(service, value, at);
    } else if (key == "depends_on") {
      service.depends_on = depends_on_value(value, at);
    } else if (key == "extra_hosts") {
      service.extra_hosts = extra_hosts_value(value, at);
    } else if (key == "working_dir") {
      service.working_dir = as_string(value, at);
      if (!service.working_dir.starts_with('/')) fail_at(value, at, "must be an absolute path");
    } else if (key == "user") {
      service.user = as_string(value, at);
    } else if (key == "tty") {
      service.tty = as_bool(value, at);
    } else if (key == "stdin_open") {
      service.stdin_open = as_bool(value, at);
    } else if (key == "devices") {
      service.devices = devices_value(value, at);
    } else if (key == "ulimits") {
      service.ulimits = ulimits_value(value, at);
    } else if (key == "cap_add") {
      service.cap_add = as_string_list(value, at);
    } else if (key == "security_opt") {
      service.security_opt = as_string_list(value, at);
    } else if (key == "profiles") {
      service.profiles = as_string_list(value, at);
      for (size_t i = 0; i < service.profiles.size(); ++i) {
        check_name(value.items[i], index_path(at, i), service.profiles[i],
                   "[a-zA-Z0-9][a-zA-Z0-9_.-]*", "profile name");
      }
    } else if (key == "stop_grace_period") {
      auto grace = duration_value(value, at);
      service.stop_grace_period = std::chrono::ceil<std::chrono::seconds>(grace);
    }
  }

  const DeployResources limits = deploy.value_or(DeployResources{});
  service.memory_bytes = agreed(mem_limit, limits.memory_limit, node, path, "mem_limit",
                                "deploy.resources.limits.memory")
                             .value_or(0);
  service.nano_cpus =
      agreed(cpus, limits.nano_cpus, node, path, "cpus", "deploy.resources.limits.cpus")
          .value_or(0);
  service.memory_reservation_bytes =
      agreed(mem_reservation, limits.memory_reservation, node, path, "mem_reservation",
             "deploy.resources.reservations.memory")
          .value_or(0);
  service.pids_limit = agreed(pids_limit, limits.pids_limit, node, path, "pids_limit",
                              "deploy.resources.limits.pids");
  service.replicas =
      agreed(scale, limits.replicas, node, path, "scale", "deploy.replicas").value_or(1);
  if (limits.restart)
    service.restart = *limits.restart;  // deploy.restart_policy wins, as in Compose
  service.device_requests = limits.devices;
  service.device_requests.insert(service.device_requests.end(), gpus.begin(), gpus.end());

  service.environment = std::move(env_file);
  for (const auto& kv : environment) {
    std::optional<std::string> value = kv.value;
    if (!value && context.lookup) value = context.lookup(kv.key);
    if (value) service.environment[kv.key] = *value;  // `environment` wins over env_file
  }
  for (auto& [key, value] : label_file) service.labels.emplace(key, value);  // `labels` wins
  if (!service.network_mode.empty()) {
    if (networks_written && !service.networks.empty()) {
      fail_at(node.find("networks")->location, join_path(path, "networks"),
              "network_mode and networks cannot be used together", "keep one of them");
    }
    service.networks.clear();
  } else if (service.networks.empty()) {
    service.networks.push_back(ServiceNetwork{"default", {}});
  }
  if (!context.partial && service.image.empty()) {
    if (!service.build) {
      fail_at(node, path, "has neither \"image\" nor \"build\"", "add an image: line");
    }
    service.image = fmt::format("{}-{}", context.project_name, name);
  }
  return service;
}

}  // namespace ollama_stack::compose
