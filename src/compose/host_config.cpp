// HostConfig and EndpointSettings of the container-create body, field by field as Docker Compose
// fills them (pkg/compose/create.go), only the fields a service sets.
#include "host_config.hpp"

#include <fmt/format.h>

#include "json_fields.hpp"
#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/util/error.hpp"
#include "service_fields.hpp"

namespace ollama_stack::compose {
namespace {

using nlohmann::json;

// The Docker Engine release that first speaks an API version, for messages.
std::string_view engine_release(std::string_view api) {
  if (api == "1.43") return "24.0";
  if (api == "1.44") return "25.0";
  if (api == "1.45") return "26.0";
  if (api == "1.47") return "27";
  if (api == "1.48") return "28.0";
  if (api == "1.49") return "28.1";
  return "?";
}

json restart_json(const std::string& restart) {
  if (restart.empty() || restart == "no") return {{"Name", "no"}, {"MaximumRetryCount", 0}};
  if (restart.starts_with("on-failure")) {
    int retries = 0;
    if (auto colon = restart.find(':'); colon != std::string::npos)
      retries = std::stoi(restart.substr(colon + 1));
    return {{"Name", "on-failure"}, {"MaximumRetryCount", retries}};
  }
  return {{"Name", restart}, {"MaximumRetryCount", 0}};
}

// A bind with an SELinux relabel can only be written as a legacy Binds entry.
std::string bind_string(const Mount& mount) {
  std::string options = mount.read_only ? "ro" : "rw";
  options += "," + mount.bind_selinux;
  if (!mount.bind_propagation.empty()) options += "," + mount.bind_propagation;
  return fmt::format("{}:{}:{}", mount.source, mount.target, options);
}

void add_mounts(json& host, const Project& project, const Service& service,
                const SpecOptions& options) {
  json mounts = json::array();
  for (const auto& mount : service.volumes) {
    if (mount.type == Mount::Type::bind && !mount.bind_selinux.empty()) {
      host["Binds"].push_back(bind_string(mount));
      continue;
    }
    json entry{{"Target", mount.target}, {"ReadOnly", mount.read_only}};
    put_if_set(entry, "Consistency", mount.consistency);
    switch (mount.type) {
      case Mount::Type::volume: {
        entry["Type"] = "volume";
        auto volume = project.volumes.find(mount.source);
        entry["Source"] = volume != project.volumes.end() ? volume->second.name : mount.source;
        if (mount.volume_nocopy) entry["VolumeOptions"]["NoCopy"] = true;
        if (!mount.volume_subpath.empty()) {
          require_api(options, service, "volumes[].volume.subpath", "1.45");
          entry["VolumeOptions"]["Subpath"] = mount.volume_subpath;
        }
        break;
      }
      case Mount::Type::bind:
        entry["Type"] = "bind";
        entry["Source"] = mount.source;
        if (!mount.bind_propagation.empty())
          entry["BindOptions"]["Propagation"] = mount.bind_propagation;
        break;
      case Mount::Type::tmpfs:
        entry["Type"] = "tmpfs";
        if (mount.tmpfs_size > 0) entry["TmpfsOptions"]["SizeBytes"] = mount.tmpfs_size;
        if (mount.tmpfs_mode > 0) entry["TmpfsOptions"]["Mode"] = mount.tmpfs_mode;
        break;
      case Mount::Type::npipe:
        entry["Type"] = "npipe";
        entry["Source"] = mount.source;
        break;
      case Mount::Type::image:
        require_api(options, service, "volumes[].type: image", "1.48");
        entry["Type"] = "image";
        entry["Source"] = mount.source;
        if (!mount.image_subpath.empty()) entry["ImageOptions"]["Subpath"] = mount.image_subpath;
        break;
    }
    mounts.push_back(std::move(entry));
  }
  host["Mounts"] = std::move(mounts);
}

json blkio_devices(const std::vector<BlkioDevice>& devices, const char* value_key) {
  json out = json::array();
  for (const auto& device : devices)
    out.push_back({{"Path", device.path}, {value_key, device.value}});
  return out;
}

void add_resources(json& host, const Service& service, const SpecOptions& options) {
  put_if_set(host, "Memory", service.memory_bytes);
  put_if_set(host, "MemoryReservation", service.memory_reservation_bytes);
  put_if_set(host, "MemorySwap", service.memswap_limit);
  put_if_set(host, "NanoCpus", service.nano_cpus);
  put_if_set(host, "CpuShares", service.cpu_shares);
  put_if_set(host, "CpuPeriod", service.cpu_period);
  put_if_set(host, "CpuQuota", service.cpu_quota);
  put_if_set(host, "CpuRealtimePeriod", service.cpu_rt_period);
  put_if_set(host, "CpuRealtimeRuntime", service.cpu_rt_runtime);
  put_if_set(host, "CpuCount", service.cpu_count);
  put_if_set(host, "CpuPercent", service.cpu_percent);
  put_if_set(host, "ShmSize", service.shm_size_bytes);
  put_if_set(host, "BlkioWeight", service.blkio.weight);
  put_if_set(host, "CpusetCpus", service.cpuset);
  put_if_set(host, "CgroupParent", service.cgroup_parent);
  put_if_set(host, "MemorySwappiness", service.mem_swappiness);
  put_if_set(host, "OomKillDisable", service.oom_kill_disable);
  put_if_set(host, "PidsLimit", service.pids_limit);
  if (!service.blkio.weight_device.empty())
    host["BlkioWeightDevice"] = blkio_devices(service.blkio.weight_device, "Weight");
  if (!service.blkio.device_read_bps.empty())
    host["BlkioDeviceReadBps"] = blkio_devices(service.blkio.device_read_bps, "Rate");
  if (!service.blkio.device_read_iops.empty())
    host["BlkioDeviceReadIOps"] = blkio_devices(service.blkio.device_read_iops, "Rate");
  if (!service.blkio.device_write_bps.empty())
    host["BlkioDeviceWriteBps"] = blkio_devices(service.blkio.device_write_bps, "Rate");
  if (!service.blkio.device_write_iops.empty())
    host["BlkioDeviceWriteIOps"] = blkio_devices(service.blkio.device_write_iops, "Rate");
  put_if_set(host, "DeviceCgroupRules", service.device_cgroup_rules);

  for (const auto& request : service.device_requests) {
    json entry{{"Driver", request.driver},
               {"Count", request.count},
               {"DeviceIDs", request.device_ids},
               {"Capabilities", json::array({request.capabilities})},
               {"Options", request.options}};
    if (!request.device_ids.empty()) entry["Count"] = 0;
    host["DeviceRequests"].push_back(std::move(entry));
  }
  std::vector<std::string> cdi;
  for (const auto& device : service.devices) {
    if (is_cdi_device(device.host_path)) {
      cdi.push_back(device.host_path);
      continue;
    }
    host["Devices"].push_back({{"PathOnHost", device.host_path},
                               {"PathInContainer", device.container_path},
                               {"CgroupPermissions", device.permissions}});
  }
  if (!cdi.empty()) {
    // The engine's CDI device driver arrived with Docker Engine 25 (API 1.44).
    require_api(options, service, "devices (CDI names)", "1.44");
    host["DeviceRequests"].push_back({{"Driver", "cdi"},
                                      {"Count", 0},
                                      {"DeviceIDs", cdi},
                                      {"Capabilities", json::array({json::array()})},
                                      {"Options", json::object()}});
  }
  for (const auto& ulimit : service.ulimits)
    host["Ulimits"].push_back(
        {{"Name", ulimit.name}, {"Soft", ulimit.soft}, {"Hard", ulimit.hard}});
}

}  // namespace

void require_api(const SpecOptions& options, const Service& service, std::string_view field,
                 std::string_view needed) {
  if (engine::compare_api_versions(options.api_version, std::string(needed)) >= 0) return;
  throw ConfigError(
      fmt::format(
          "services.{}.{} needs Docker Engine {} or newer (API {}); this engine speaks API {}",
          service.name, field, engine_release(needed), needed, options.api_version),
      fmt::format("remove it from {}, or upgrade the engine", service.defined_in));
}

std::string resolve_service_mode(const std::string& mode, const Project& project,
                                 const SpecOptions& options) {
  const std::string target = service_reference(mode);
  if (target.empty()) return mode;
  if (auto id = options.service_containers.find(target); id != options.service_containers.end())
    return "container:" + id->second;
  auto service = project.services.find(target);
  return "container:" + (service != project.services.end()
                             ? container_name(project, service->second, 1)
                             : project.name + "-" + target + "-1");
}

std::vector<std::string> links_of(const Project& project, const Service& service, int number) {
  std::vector<std::string> links;
  for (const auto& link : service.links) {
    const auto colon = link.find(':');
    const std::string target = link.substr(0, colon);
    const std::string alias = colon == std::string::npos ? target : link.substr(colon + 1);
    auto linked = project.services.find(target);
    if (linked == project.services.end()) continue;
    for (int n = 1; n <= std::max(linked->second.replicas, 1); ++n) {
      const std::string name = container_name(project, linked->second, n);
      links.push_back(fmt::format("{}:{}", name, alias));
      links.push_back(fmt::format("{}:{}-{}", name, target, number));
      links.push_back(fmt::format("{}:{}-{}-{}", name, project.name, target, number));
    }
  }
  for (const auto& link : service.external_links) {
    const auto colon = link.find(':');
    links.push_back(colon == std::string::npos ? fmt::format("{}:{}", link, link) : link);
  }
  return links;
}

json host_config_json(const Project& project, const Service& service, const SpecOptions& options) {
  json host{{"PortBindings", json::object()}, {"RestartPolicy", restart_json(service.restart)}};
  for (const auto& port : service.ports) {
    if (port.published == 0 && !port.ephemeral) continue;
    host["PortBindings"][fmt::format("{}/{}", port.target, port.protocol)].push_back(
        {{"HostIp", port.host_ip},
         {"HostPort", port.ephemeral ? std::string()
                      : port.published_last != 0
                          ? fmt::format("{}-{}", port.published, port.published_last)
                          : std::to_string(port.published)}});
  }
  add_mounts(host, project, service, options);
  add_resources(host, service, options);

  put_if_set(host, "ExtraHosts", service.extra_hosts);
  put_if_set(host, "CapAdd", service.cap_add);
  put_if_set(host, "CapDrop", service.cap_drop);
  put_if_set(host, "GroupAdd", service.group_add);
  put_if_set(host, "Dns", service.dns);
  put_if_set(host, "DnsSearch", service.dns_search);
  put_if_set(host, "DnsOptions", service.dns_opt);
  put_if_set(host, "IpcMode", resolve_service_mode(service.ipc, project, options));
  put_if_set(host, "PidMode", resolve_service_mode(service.pid, project, options));
  put_if_set(host, "UTSMode", resolve_service_mode(service.uts, project, options));
  put_if_set(host, "CgroupnsMode", service.cgroup);
  put_if_set(host, "UsernsMode", service.userns_mode);
  put_if_set(host, "Runtime", service.runtime);
  put_if_set(host, "Isolation", service.isolation);
  put_if_set(host, "Sysctls", service.sysctls);
  put_if_set(host, "StorageOpt", service.storage_opt);
  if (!service.annotations.empty()) {
    require_api(options, service, "annotations", "1.43");
    host["Annotations"] = service.annotations;
  }
  put_if_set(host, "Init", service.init);
  if (service.privileged) host["Privileged"] = true;
  if (service.read_only) host["ReadonlyRootfs"] = true;
  put_if_set(host, "OomScoreAdj", service.oom_score_adj);
  if (!service.tmpfs.empty()) {
    json tmpfs = json::object();
    for (const auto& entry : service.tmpfs) {
      const auto colon = entry.find(':');
      tmpfs[entry.substr(0, colon)] = colon == std::string::npos ? "" : entry.substr(colon + 1);
    }
    host["Tmpfs"] = std::move(tmpfs);
  }
  for (const auto& entry : service.volumes_from) {
    // "service[:mode]" → "<container id or name>[:mode]"; "container:name[:mode]" → "name[:mode]"
    if (entry.starts_with("container:")) {
      host["VolumesFrom"].push_back(entry.substr(10));
      continue;
    }
    const auto colon = entry.find(':');
    const std::string target =
        resolve_service_mode("service:" + entry.substr(0, colon), project, options).substr(10);
    host["VolumesFrom"].push_back(colon == std::string::npos ? target
                                                             : target + entry.substr(colon));
  }
  if (auto links = links_of(project, service, options.number); !links.empty())
    host["Links"] = links;
  if (service.logging) {
    host["LogConfig"] = {{"Type", service.logging->driver}, {"Config", service.logging->options}};
  }
  // security_opt "systempaths=unconfined" is not an engine option: it clears the masked paths.
  json security = json::array();
  for (const auto& option : service.security_opt) {
    if (option == "systempaths=unconfined") {
      host["MaskedPaths"] = json::array();
      host["ReadonlyPaths"] = json::array();
    } else {
      security.push_back(option);
    }
  }
  if (!security.empty()) host["SecurityOpt"] = std::move(security);
  return host;
}

json endpoint_json(const Service& service, const ServiceNetwork& network,
                   const std::vector<std::string>& links, const SpecOptions& options) {
  std::vector<std::string> aliases{service.name};
  aliases.insert(aliases.end(), network.aliases.begin(), network.aliases.end());
  json endpoint{{"Aliases", aliases}};
  if (!network.ipv4_address.empty()) endpoint["IPAMConfig"]["IPv4Address"] = network.ipv4_address;
  if (!network.ipv6_address.empty()) endpoint["IPAMConfig"]["IPv6Address"] = network.ipv6_address;
  if (!network.link_local_ips.empty())
    endpoint["IPAMConfig"]["LinkLocalIPs"] = network.link_local_ips;
  put_if_set(endpoint, "DriverOpts", network.driver_opts);
  put_if_set(endpoint, "Links", links);
  if (!network.mac_address.empty()) {
    require_api(options, service, fmt::format("networks.{}.mac_address", network.key), "1.44");
    endpoint["MacAddress"] = network.mac_address;
  }
  if (network.gw_priority != 0) {
    require_api(options, service, fmt::format("networks.{}.gw_priority", network.key), "1.48");
    endpoint["GwPriority"] = network.gw_priority;
  }
  if (!network.interface_name.empty()) {
    require_api(options, service, fmt::format("networks.{}.interface_name", network.key), "1.49");
    endpoint["DriverOpts"]["com.docker.network.endpoint.ifname"] = network.interface_name;
  }
  return endpoint;
}

}  // namespace ollama_stack::compose
