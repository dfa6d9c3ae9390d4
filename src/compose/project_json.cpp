#include "ollama_stack/compose/project_json.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "json_fields.hpp"
#include "ollama_stack/compose/container_spec.hpp"

namespace ollama_stack::compose {
namespace {

using nlohmann::json;

std::string duration_text(std::chrono::nanoseconds duration) {
  using namespace std::chrono;
  if (duration.count() % 1000000000 == 0) return fmt::format("{}s", duration_cast<seconds>(duration).count());
  return fmt::format("{}ms", duration_cast<milliseconds>(duration).count());
}

const char* condition_text(DependencyCondition condition) {
  switch (condition) {
    case DependencyCondition::service_healthy: return "service_healthy";
    case DependencyCondition::service_completed_successfully: return "service_completed_successfully";
    default: return "service_started";
  }
}

void emit(YAML::Emitter& out, const json& value) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      emit(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : value) emit(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    out << YAML::DoubleQuoted << value.get<std::string>();
  } else if (value.is_null()) {
    out << YAML::Null;
  } else {
    out << value.dump();
  }
}

json build_json(const Build& build) {
  json out{{"context", build.context},
           {"dockerfile", build.dockerfile},
           {"args", build.args},
           {"target", build.target}};
  put_if_set(out, "dockerfile_inline", build.dockerfile_inline);
  put_if_set(out, "network", build.network);
  put_if_set(out, "labels", build.labels);
  put_if_set(out, "tags", build.tags);
  put_if_set(out, "cache_from", build.cache_from);
  put_if_set(out, "extra_hosts", build.extra_hosts);
  if (!build.platform.empty()) out["platforms"] = json::array({build.platform});
  put_if_set(out, "isolation", build.isolation);
  put_if_set(out, "shm_size", build.shm_size_bytes);
  if (build.no_cache) out["no_cache"] = true;
  if (build.pull) out["pull"] = true;
  for (const auto& limit : build.ulimits)
    out["ulimits"][limit.name] = {{"soft", limit.soft}, {"hard", limit.hard}};
  return out;
}

json mount_json(const Mount& mount) {
  static const char* kTypes[] = {"volume", "bind", "tmpfs", "npipe", "image"};
  json entry{{"type", kTypes[static_cast<int>(mount.type)]}, {"target", mount.target}};
  put_if_set(entry, "source", mount.source);
  if (mount.read_only) entry["read_only"] = true;
  put_if_set(entry, "consistency", mount.consistency);
  if (!mount.bind_propagation.empty()) entry["bind"]["propagation"] = mount.bind_propagation;
  if (!mount.bind_selinux.empty()) entry["bind"]["selinux"] = mount.bind_selinux;
  if (mount.volume_nocopy) entry["volume"]["nocopy"] = true;
  if (!mount.volume_subpath.empty()) entry["volume"]["subpath"] = mount.volume_subpath;
  if (mount.tmpfs_size) entry["tmpfs"]["size"] = mount.tmpfs_size;
  if (mount.tmpfs_mode) entry["tmpfs"]["mode"] = fmt::format("{:04o}", mount.tmpfs_mode);
  if (!mount.image_subpath.empty()) entry["image"]["subpath"] = mount.image_subpath;
  return entry;
}

json network_attachment_json(const ServiceNetwork& network) {
  json entry = json::object();
  put_if_set(entry, "aliases", network.aliases);
  put_if_set(entry, "ipv4_address", network.ipv4_address);
  put_if_set(entry, "ipv6_address", network.ipv6_address);
  put_if_set(entry, "link_local_ips", network.link_local_ips);
  put_if_set(entry, "mac_address", network.mac_address);
  put_if_set(entry, "driver_opts", network.driver_opts);
  put_if_set(entry, "priority", network.priority);
  put_if_set(entry, "gw_priority", network.gw_priority);
  put_if_set(entry, "interface_name", network.interface_name);
  return entry.empty() ? json(nullptr) : entry;
}

json grants_json(const std::vector<FileGrant>& grants) {
  json out = json::array();
  for (const auto& grant : grants) {
    json entry{{"source", grant.source},
               {"target", grant.target},
               {"mode", fmt::format("{:04o}", grant.mode)}};
    put_if_set(entry, "uid", grant.uid);
    put_if_set(entry, "gid", grant.gid);
    out.push_back(std::move(entry));
  }
  return out;
}

// The keys of the newer engine fields: set only when the service sets them.
void add_engine_fields(json& out, const Service& service) {
  put_if_set(out, "hostname", service.hostname);
  put_if_set(out, "domainname", service.domainname);
  put_if_set(out, "mac_address", service.mac_address);
  put_if_set(out, "stop_signal", service.stop_signal);
  put_if_set(out, "platform", service.platform);
  put_if_set(out, "network_mode", service.network_mode);
  put_if_set(out, "ipc", service.ipc);
  put_if_set(out, "pid", service.pid);
  put_if_set(out, "uts", service.uts);
  put_if_set(out, "cgroup", service.cgroup);
  put_if_set(out, "cgroup_parent", service.cgroup_parent);
  put_if_set(out, "userns_mode", service.userns_mode);
  put_if_set(out, "runtime", service.runtime);
  put_if_set(out, "isolation", service.isolation);
  put_if_set(out, "cpuset", service.cpuset);
  if (!service.pull_policy.empty()) {
    out["pull_policy"] = service.pull_policy == "refresh"
                             ? fmt::format("every_{}s", service.pull_refresh.count())
                             : service.pull_policy;
  }
  put_if_set(out, "expose", service.expose);
  put_if_set(out, "group_add", service.group_add);
  put_if_set(out, "cap_drop", service.cap_drop);
  put_if_set(out, "device_cgroup_rules", service.device_cgroup_rules);
  put_if_set(out, "tmpfs", service.tmpfs);
  put_if_set(out, "volumes_from", service.volumes_from);
  put_if_set(out, "links", service.links);
  put_if_set(out, "external_links", service.external_links);
  put_if_set(out, "dns", service.dns);
  put_if_set(out, "dns_search", service.dns_search);
  put_if_set(out, "dns_opt", service.dns_opt);
  put_if_set(out, "sysctls", service.sysctls);
  put_if_set(out, "storage_opt", service.storage_opt);
  put_if_set(out, "annotations", service.annotations);
  put_if_set(out, "init", service.init);
  if (service.privileged) out["privileged"] = true;
  if (service.read_only) out["read_only"] = true;
  if (service.logging)
    out["logging"] = {{"driver", service.logging->driver}, {"options", service.logging->options}};
  put_if_set(out, "cpu_shares", service.cpu_shares);
  put_if_set(out, "cpu_period", service.cpu_period);
  put_if_set(out, "cpu_quota", service.cpu_quota);
  put_if_set(out, "cpu_rt_period", service.cpu_rt_period);
  put_if_set(out, "cpu_rt_runtime", service.cpu_rt_runtime);
  put_if_set(out, "cpu_count", service.cpu_count);
  put_if_set(out, "cpu_percent", service.cpu_percent);
  put_if_set(out, "memswap_limit", service.memswap_limit);
  put_if_set(out, "oom_score_adj", service.oom_score_adj);
  put_if_set(out, "mem_reservation", service.memory_reservation_bytes);
  put_if_set(out, "mem_swappiness", service.mem_swappiness);
  put_if_set(out, "oom_kill_disable", service.oom_kill_disable);
  put_if_set(out, "pids_limit", service.pids_limit);
  const Blkio& blkio = service.blkio;
  if (blkio != Blkio{}) {
    json entry = json::object();
    put_if_set(entry, "weight", blkio.weight);
    auto devices = [&](const char* key, const std::vector<BlkioDevice>& list_of,
                       const char* value_key) {
      for (const auto& device : list_of)
        entry[key].push_back({{"path", device.path}, {value_key, device.value}});
    };
    devices("weight_device", blkio.weight_device, "weight");
    devices("device_read_bps", blkio.device_read_bps, "rate");
    devices("device_read_iops", blkio.device_read_iops, "rate");
    devices("device_write_bps", blkio.device_write_bps, "rate");
    devices("device_write_iops", blkio.device_write_iops, "rate");
    out["blkio_config"] = entry;
  }
  if (service.replicas != 1) out["deploy"]["replicas"] = service.replicas;
  if (!service.configs.empty()) out["configs"] = grants_json(service.configs);
  if (!service.secrets.empty()) out["secrets"] = grants_json(service.secrets);
  for (const auto& device : service.devices) {
    out["devices"].push_back({{"source", device.host_path},
                              {"target", device.container_path},
                              {"permissions", device.permissions}});
  }
  for (const auto& limit : service.ulimits)
    out["ulimits"][limit.name] = {{"soft", limit.soft}, {"hard", limit.hard}};
}

}  // namespace

json to_json(const Service& service) {
  json out{{"image", service.image}};
  if (service.build) out["build"] = build_json(*service.build);
  put_if_set(out, "container_name", service.container_name);
  put_if_set(out, "command", service.command);
  put_if_set(out, "entrypoint", service.entrypoint);
  put_if_set(out, "environment", service.environment);
  for (const auto& port : service.ports) {
    json entry{{"target", port.target}, {"protocol", port.protocol}};
    put_if_set(entry, "host_ip", port.host_ip);
    if (port.published != 0)
      entry["published"] = port.published_last != 0
                               ? fmt::format("{}-{}", port.published, port.published_last)
                               : std::to_string(port.published);
    out["ports"].push_back(entry);
  }
  for (const auto& mount : service.volumes) out["volumes"].push_back(mount_json(mount));
  for (const auto& network : service.networks)
    out["networks"][network.key] = network_attachment_json(network);
  put_if_set(out, "labels", service.labels);
  if (service.healthcheck) {
    const auto& check = *service.healthcheck;
    json entry{{"test", check.test}};
    if (check.interval.count()) entry["interval"] = duration_text(check.interval);
    if (check.timeout.count()) entry["timeout"] = duration_text(check.timeout);
    if (check.start_period.count()) entry["start_period"] = duration_text(check.start_period);
    if (check.start_interval.count()) entry["start_interval"] = duration_text(check.start_interval);
    put_if_set(entry, "retries", check.retries);
    out["healthcheck"] = entry;
  }
  put_if_set(out, "restart", service.restart);
  put_if_set(out, "mem_limit", service.memory_bytes);
  if (service.nano_cpus) out["cpus"] = static_cast<double>(service.nano_cpus) / 1e9;
  put_if_set(out, "shm_size", service.shm_size_bytes);
  for (const auto& request : service.device_requests) {
    json entry{{"driver", request.driver}, {"capabilities", request.capabilities}};
    if (!request.device_ids.empty()) entry["device_ids"] = request.device_ids;
    else entry["count"] = request.count < 0 ? json("all") : json(request.count);
    out["deploy"]["resources"]["reservations"]["devices"].push_back(entry);
  }
  for (const auto& dependency : service.depends_on)
    out["depends_on"][dependency.service] = {{"condition", condition_text(dependency.condition)},
                                             {"required", dependency.required},
                                             {"restart", dependency.restart}};
  put_if_set(out, "extra_hosts", service.extra_hosts);
  put_if_set(out, "working_dir", service.working_dir);
  put_if_set(out, "user", service.user);
  if (service.tty) out["tty"] = true;
  if (service.stdin_open) out["stdin_open"] = true;
  put_if_set(out, "cap_add", service.cap_add);
  put_if_set(out, "security_opt", service.security_opt);
  put_if_set(out, "profiles", service.profiles);
  if (service.stop_grace_period) out["stop_grace_period"] = fmt::format("{}s", service.stop_grace_period->count());
  add_engine_fields(out, service);
  for (const auto& [key, value] : service.extensions.items()) out[key] = value;
  return out;
}

json to_json(const Project& project) {
  json out{{"name", project.name}, {"services", json::object()}};
  for (const auto& [name, service] : project.services) out["services"][name] = to_json(service);
  for (const auto& [key, network] : project.networks) {
    json entry{{"name", network.name}, {"driver", network.driver}};
    if (network.external) entry["external"] = true;
    put_if_set(entry, "labels", network.labels);
    put_if_set(entry, "driver_opts", network.driver_opts);
    if (network.internal) entry["internal"] = true;
    if (network.attachable) entry["attachable"] = true;
    put_if_set(entry, "enable_ipv4", network.enable_ipv4);
    put_if_set(entry, "enable_ipv6", network.enable_ipv6);
    if (network.ipam) {
      json ipam = json::object();
      put_if_set(ipam, "driver", network.ipam->driver);
      put_if_set(ipam, "options", network.ipam->options);
      for (const auto& pool : network.ipam->config) {
        json item{{"subnet", pool.subnet}};
        put_if_set(item, "ip_range", pool.ip_range);
        put_if_set(item, "gateway", pool.gateway);
        put_if_set(item, "aux_addresses", pool.aux_addresses);
        ipam["config"].push_back(std::move(item));
      }
      entry["ipam"] = std::move(ipam);
    }
    out["networks"][key] = entry;
  }
  for (const auto& [key, volume] : project.volumes) {
    json entry{{"name", volume.name}};
    if (volume.external) entry["external"] = true;
    put_if_set(entry, "labels", volume.labels);
    if (volume.driver != "local") entry["driver"] = volume.driver;
    put_if_set(entry, "driver_opts", volume.driver_opts);
    out["volumes"][key] = entry;
  }
  // Configs and secrets show where their content comes from and its digest, never the content:
  // `config` output ends up in bug reports.
  for (const auto& [kind, objects] :
       {std::pair{"configs", &project.configs}, {"secrets", &project.secrets}}) {
    for (const auto& [key, object] : *objects) {
      json entry{{"name", object.name},
                 {"source", object.origin},
                 {"sha256", sha256_hex(object.content)},
                 {"size", object.content.size()}};
      put_if_set(entry, "labels", object.labels);
      out[kind][key] = entry;
    }
  }
  return out;
}

std::string to_yaml(const json& document) {
  YAML::Emitter out;
  emit(out, document);
  return std::string(out.c_str()) + "\n";
}

}  // namespace ollama_stack::compose
