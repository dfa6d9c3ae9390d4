#include "ollama_stack/compose/project_json.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

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
  if (!build.dockerfile_inline.empty()) out["dockerfile_inline"] = build.dockerfile_inline;
  if (!build.network.empty()) out["network"] = build.network;
  if (!build.labels.empty()) out["labels"] = build.labels;
  if (!build.tags.empty()) out["tags"] = build.tags;
  if (!build.cache_from.empty()) out["cache_from"] = build.cache_from;
  if (!build.extra_hosts.empty()) out["extra_hosts"] = build.extra_hosts;
  if (!build.platform.empty()) out["platforms"] = json::array({build.platform});
  if (!build.isolation.empty()) out["isolation"] = build.isolation;
  if (build.shm_size_bytes) out["shm_size"] = build.shm_size_bytes;
  if (build.no_cache) out["no_cache"] = true;
  if (build.pull) out["pull"] = true;
  for (const auto& limit : build.ulimits)
    out["ulimits"][limit.name] = {{"soft", limit.soft}, {"hard", limit.hard}};
  return out;
}

json mount_json(const Mount& mount) {
  static const char* kTypes[] = {"volume", "bind", "tmpfs", "npipe", "image"};
  json entry{{"type", kTypes[static_cast<int>(mount.type)]}, {"target", mount.target}};
  if (!mount.source.empty()) entry["source"] = mount.source;
  if (mount.read_only) entry["read_only"] = true;
  if (!mount.consistency.empty()) entry["consistency"] = mount.consistency;
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
  if (!network.aliases.empty()) entry["aliases"] = network.aliases;
  if (!network.ipv4_address.empty()) entry["ipv4_address"] = network.ipv4_address;
  if (!network.ipv6_address.empty()) entry["ipv6_address"] = network.ipv6_address;
  if (!network.link_local_ips.empty()) entry["link_local_ips"] = network.link_local_ips;
  if (!network.mac_address.empty()) entry["mac_address"] = network.mac_address;
  if (!network.driver_opts.empty()) entry["driver_opts"] = network.driver_opts;
  if (network.priority) entry["priority"] = network.priority;
  if (network.gw_priority) entry["gw_priority"] = network.gw_priority;
  if (!network.interface_name.empty()) entry["interface_name"] = network.interface_name;
  return entry.empty() ? json(nullptr) : entry;
}

json grants_json(const std::vector<FileGrant>& grants) {
  json out = json::array();
  for (const auto& grant : grants) {
    json entry{{"source", grant.source},
               {"target", grant.target},
               {"mode", fmt::format("{:04o}", grant.mode)}};
    if (!grant.uid.empty()) entry["uid"] = grant.uid;
    if (!grant.gid.empty()) entry["gid"] = grant.gid;
    out.push_back(std::move(entry));
  }
  return out;
}

// The keys of the newer engine fields: set only when the service sets them.
void add_engine_fields(json& out, const Service& service) {
  auto text = [&](const char* key, const std::string& value) {
    if (!value.empty()) out[key] = value;
  };
  auto list = [&](const char* key, const std::vector<std::string>& value) {
    if (!value.empty()) out[key] = value;
  };
  auto map = [&](const char* key, const std::map<std::string, std::string>& value) {
    if (!value.empty()) out[key] = value;
  };
  auto number = [&](const char* key, int64_t value) {
    if (value != 0) out[key] = value;
  };
  text("hostname", service.hostname);
  text("domainname", service.domainname);
  text("mac_address", service.mac_address);
  text("stop_signal", service.stop_signal);
  text("platform", service.platform);
  text("network_mode", service.network_mode);
  text("ipc", service.ipc);
  text("pid", service.pid);
  text("uts", service.uts);
  text("cgroup", service.cgroup);
  text("cgroup_parent", service.cgroup_parent);
  text("userns_mode", service.userns_mode);
  text("runtime", service.runtime);
  text("isolation", service.isolation);
  text("cpuset", service.cpuset);
  if (!service.pull_policy.empty()) {
    out["pull_policy"] = service.pull_policy == "refresh"
                             ? fmt::format("every_{}s", service.pull_refresh.count())
                             : service.pull_policy;
  }
  list("expose", service.expose);
  list("group_add", service.group_add);
  list("cap_drop", service.cap_drop);
  list("device_cgroup_rules", service.device_cgroup_rules);
  list("tmpfs", service.tmpfs);
  list("volumes_from", service.volumes_from);
  list("links", service.links);
  list("external_links", service.external_links);
  list("dns", service.dns);
  list("dns_search", service.dns_search);
  list("dns_opt", service.dns_opt);
  map("sysctls", service.sysctls);
  map("storage_opt", service.storage_opt);
  map("annotations", service.annotations);
  if (service.init) out["init"] = *service.init;
  if (service.privileged) out["privileged"] = true;
  if (service.read_only) out["read_only"] = true;
  if (service.logging)
    out["logging"] = {{"driver", service.logging->driver}, {"options", service.logging->options}};
  number("cpu_shares", service.cpu_shares);
  number("cpu_period", service.cpu_period);
  number("cpu_quota", service.cpu_quota);
  number("cpu_rt_period", service.cpu_rt_period);
  number("cpu_rt_runtime", service.cpu_rt_runtime);
  number("cpu_count", service.cpu_count);
  number("cpu_percent", service.cpu_percent);
  number("memswap_limit", service.memswap_limit);
  number("oom_score_adj", service.oom_score_adj);
  number("mem_reservation", service.memory_reservation_bytes);
  if (service.mem_swappiness) out["mem_swappiness"] = *service.mem_swappiness;
  if (service.oom_kill_disable) out["oom_kill_disable"] = *service.oom_kill_disable;
  if (service.pids_limit) out["pids_limit"] = *service.pids_limit;
  const Blkio& blkio = service.blkio;
  if (blkio != Blkio{}) {
    json entry = json::object();
    if (blkio.weight) entry["weight"] = blkio.weight;
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
  if (!service.container_name.empty()) out["container_name"] = service.container_name;
  if (service.command) out["command"] = *service.command;
  if (service.entrypoint) out["entrypoint"] = *service.entrypoint;
  if (!service.environment.empty()) out["environment"] = service.environment;
  for (const auto& port : service.ports) {
    json entry{{"target", port.target}, {"protocol", port.protocol}};
    if (!port.host_ip.empty()) entry["host_ip"] = port.host_ip;
    if (port.published != 0)
      entry["published"] = port.published_last != 0
                               ? fmt::format("{}-{}", port.published, port.published_last)
                               : std::to_string(port.published);
    out["ports"].push_back(entry);
  }
  for (const auto& mount : service.volumes) out["volumes"].push_back(mount_json(mount));
  for (const auto& network : service.networks)
    out["networks"][network.key] = network_attachment_json(network);
  if (!service.labels.empty()) out["labels"] = service.labels;
  if (service.healthcheck) {
    const auto& check = *service.healthcheck;
    json entry{{"test", check.test}};
    if (check.interval.count()) entry["interval"] = duration_text(check.interval);
    if (check.timeout.count()) entry["timeout"] = duration_text(check.timeout);
    if (check.start_period.count()) entry["start_period"] = duration_text(check.start_period);
    if (check.start_interval.count()) entry["start_interval"] = duration_text(check.start_interval);
    if (check.retries) entry["retries"] = check.retries;
    out["healthcheck"] = entry;
  }
  if (!service.restart.empty()) out["restart"] = service.restart;
  if (service.memory_bytes) out["mem_limit"] = service.memory_bytes;
  if (service.nano_cpus) out["cpus"] = static_cast<double>(service.nano_cpus) / 1e9;
  if (service.shm_size_bytes) out["shm_size"] = service.shm_size_bytes;
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
  if (!service.extra_hosts.empty()) out["extra_hosts"] = service.extra_hosts;
  if (!service.working_dir.empty()) out["working_dir"] = service.working_dir;
  if (!service.user.empty()) out["user"] = service.user;
  if (service.tty) out["tty"] = true;
  if (service.stdin_open) out["stdin_open"] = true;
  if (!service.cap_add.empty()) out["cap_add"] = service.cap_add;
  if (!service.security_opt.empty()) out["security_opt"] = service.security_opt;
  if (!service.profiles.empty()) out["profiles"] = service.profiles;
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
    if (!network.labels.empty()) entry["labels"] = network.labels;
    if (!network.driver_opts.empty()) entry["driver_opts"] = network.driver_opts;
    if (network.internal) entry["internal"] = true;
    if (network.attachable) entry["attachable"] = true;
    if (network.enable_ipv4) entry["enable_ipv4"] = *network.enable_ipv4;
    if (network.enable_ipv6) entry["enable_ipv6"] = *network.enable_ipv6;
    if (network.ipam) {
      json ipam = json::object();
      if (!network.ipam->driver.empty()) ipam["driver"] = network.ipam->driver;
      if (!network.ipam->options.empty()) ipam["options"] = network.ipam->options;
      for (const auto& pool : network.ipam->config) {
        json item{{"subnet", pool.subnet}};
        if (!pool.ip_range.empty()) item["ip_range"] = pool.ip_range;
        if (!pool.gateway.empty()) item["gateway"] = pool.gateway;
        if (!pool.aux_addresses.empty()) item["aux_addresses"] = pool.aux_addresses;
        ipam["config"].push_back(std::move(item));
      }
      entry["ipam"] = std::move(ipam);
    }
    out["networks"][key] = entry;
  }
  for (const auto& [key, volume] : project.volumes) {
    json entry{{"name", volume.name}};
    if (volume.external) entry["external"] = true;
    if (!volume.labels.empty()) entry["labels"] = volume.labels;
    if (volume.driver != "local") entry["driver"] = volume.driver;
    if (!volume.driver_opts.empty()) entry["driver_opts"] = volume.driver_opts;
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
      if (!object.labels.empty()) entry["labels"] = object.labels;
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
