#include "ollama_stack/compose/container_spec.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include "ollama_stack/compose/labels.hpp"

namespace ollama_stack::compose {
namespace {

using nlohmann::json;

std::string port_key(const PortMapping& port) { return fmt::format("{}/{}", port.target, port.protocol); }

json healthcheck_json(const Healthcheck& check) {
  json out{{"Test", check.test}};
  if (check.interval.count() > 0) out["Interval"] = check.interval.count();
  if (check.timeout.count() > 0) out["Timeout"] = check.timeout.count();
  if (check.start_period.count() > 0) out["StartPeriod"] = check.start_period.count();
  if (check.retries > 0) out["Retries"] = check.retries;
  return out;
}

json restart_json(const std::string& restart) {
  if (restart.empty() || restart == "no") return {{"Name", "no"}, {"MaximumRetryCount", 0}};
  if (restart.starts_with("on-failure")) {
    int retries = 0;
    if (auto colon = restart.find(':'); colon != std::string::npos) retries = std::stoi(restart.substr(colon + 1));
    return {{"Name", "on-failure"}, {"MaximumRetryCount", retries}};
  }
  return {{"Name", restart}, {"MaximumRetryCount", 0}};
}

json mounts_json(const Project& project, const Service& service) {
  json mounts = json::array();
  for (const auto& mount : service.volumes) {
    json entry{{"Target", mount.target}, {"ReadOnly", mount.read_only}};
    switch (mount.type) {
      case Mount::Type::volume: {
        entry["Type"] = "volume";
        auto volume = project.volumes.find(mount.source);
        entry["Source"] = volume != project.volumes.end() ? volume->second.name : mount.source;
        break;
      }
      case Mount::Type::bind:
        entry["Type"] = "bind";
        entry["Source"] = mount.source;
        break;
      case Mount::Type::tmpfs:
        entry["Type"] = "tmpfs";
        break;
    }
    mounts.push_back(std::move(entry));
  }
  return mounts;
}

std::string depends_on_label(const Service& service) {
  std::string out;
  for (const auto& dependency : service.depends_on) {
    const char* condition = dependency.condition == DependencyCondition::service_healthy ? "service_healthy"
                            : dependency.condition == DependencyCondition::service_completed_successfully
                                ? "service_completed_successfully"
                                : "service_started";
    if (!out.empty()) out += ",";
    out += fmt::format("{}:{}:{}", dependency.service, condition, dependency.restart ? "true" : "false");
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

ContainerSpec container_spec(const Project& project, const Service& service,
                             const std::map<std::string, std::string>& extra_labels) {
  ContainerSpec spec;
  spec.name = container_name(project, service);

  json env = json::array();
  for (const auto& [key, value] : service.environment) env.push_back(key + "=" + value);

  std::map<std::string, std::string> container_labels = service.labels;
  for (const auto& [key, value] : extra_labels) container_labels[key] = value;
  container_labels[labels::kProject] = project.name;
  container_labels[labels::kService] = service.name;
  container_labels[labels::kContainerNumber] = "1";
  container_labels[labels::kOneoff] = "False";
  container_labels[labels::kVersion] = labels::kComposeVersion;
  container_labels[labels::kWorkingDir] = project.working_dir;
  std::string files;
  for (const auto& file : project.config_files) {
    if (!files.empty()) files += ',';
    files += file;
  }
  container_labels[labels::kConfigFiles] = files;
  if (!service.depends_on.empty()) container_labels[labels::kDependsOn] = depends_on_label(service);

  json body{{"Image", service.image}, {"Env", env}, {"Tty", service.tty}, {"OpenStdin", service.stdin_open},
            {"AttachStdin", false}};
  if (service.command) body["Cmd"] = *service.command;
  if (service.entrypoint) body["Entrypoint"] = *service.entrypoint;
  if (!service.working_dir.empty()) body["WorkingDir"] = service.working_dir;
  if (!service.user.empty()) body["User"] = service.user;
  if (service.healthcheck) body["Healthcheck"] = healthcheck_json(*service.healthcheck);
  if (service.stop_grace_period) body["StopTimeout"] = service.stop_grace_period->count();

  json exposed = json::object();
  json bindings = json::object();
  for (const auto& port : service.ports) {
    exposed[port_key(port)] = json::object();
    if (port.published == 0 && !port.ephemeral) continue;
    bindings[port_key(port)].push_back(
        {{"HostIp", port.host_ip}, {"HostPort", port.ephemeral ? "" : std::to_string(port.published)}});
  }
  if (!exposed.empty()) body["ExposedPorts"] = exposed;

  json host{{"PortBindings", bindings}, {"Mounts", mounts_json(project, service)},
            {"RestartPolicy", restart_json(service.restart)}};
  if (service.memory_bytes > 0) host["Memory"] = service.memory_bytes;
  if (service.memory_reservation_bytes > 0) host["MemoryReservation"] = service.memory_reservation_bytes;
  if (service.nano_cpus > 0) host["NanoCpus"] = service.nano_cpus;
  if (service.shm_size_bytes > 0) host["ShmSize"] = service.shm_size_bytes;
  if (!service.extra_hosts.empty()) host["ExtraHosts"] = service.extra_hosts;
  if (!service.cap_add.empty()) host["CapAdd"] = service.cap_add;
  if (!service.group_add.empty()) host["GroupAdd"] = service.group_add;
  if (!service.security_opt.empty()) host["SecurityOpt"] = service.security_opt;
  for (const auto& request : service.device_requests) {
    json entry{{"Driver", request.driver}, {"Count", request.count}, {"DeviceIDs", request.device_ids},
               {"Capabilities", json::array({request.capabilities})}, {"Options", request.options}};
    if (!request.device_ids.empty()) entry["Count"] = 0;
    host["DeviceRequests"].push_back(std::move(entry));
  }
  for (const auto& device : service.devices) {
    host["Devices"].push_back({{"PathOnHost", device.host_path}, {"PathInContainer", device.container_path},
                               {"CgroupPermissions", device.permissions}});
  }
  for (const auto& ulimit : service.ulimits)
    host["Ulimits"].push_back({{"Name", ulimit.name}, {"Soft", ulimit.soft}, {"Hard", ulimit.hard}});

  // The first network is given at create; the others are connected afterwards.
  json endpoints = json::object();
  for (size_t i = 0; i < service.networks.size(); ++i) {
    const auto& attachment = service.networks[i];
    auto network = project.networks.find(attachment.key);
    const std::string network_name = network != project.networks.end() ? network->second.name : attachment.key;
    std::vector<std::string> aliases{service.name};
    aliases.insert(aliases.end(), attachment.aliases.begin(), attachment.aliases.end());
    if (i == 0) {
      spec.primary_network = network_name;
      host["NetworkMode"] = network_name;
      endpoints[network_name] = {{"Aliases", aliases}};
    } else {
      spec.extra_networks.emplace_back(network_name, aliases);
    }
  }
  body["HostConfig"] = std::move(host);
  body["NetworkingConfig"] = {{"EndpointsConfig", endpoints}};
  body["Labels"] = container_labels;

  // The hash covers everything we send, plus the networks connected after create.
  json hashed = body;
  hashed["x-extra-networks"] = spec.extra_networks;
  spec.config_hash = sha256_hex(hashed.dump());
  body["Labels"][labels::kConfigHash] = spec.config_hash;
  spec.body = std::move(body);
  return spec;
}

}  // namespace ollama_stack::compose
