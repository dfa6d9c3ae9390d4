#include "ollama_stack/compose/container_spec.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include "host_config.hpp"
#include "json_fields.hpp"
#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/engine/client.hpp"

namespace ollama_stack::compose {
namespace {

using nlohmann::json;

json healthcheck_json(const Healthcheck& check, const Service& service,
                      const SpecOptions& options) {
  json out{{"Test", check.test}};
  if (check.interval.count() > 0) out["Interval"] = check.interval.count();
  if (check.timeout.count() > 0) out["Timeout"] = check.timeout.count();
  if (check.start_period.count() > 0) out["StartPeriod"] = check.start_period.count();
  if (check.start_interval.count() > 0) {
    require_api(options, service, "healthcheck.start_interval", "1.44");
    out["StartInterval"] = check.start_interval.count();
  }
  if (check.retries > 0) out["Retries"] = check.retries;
  return out;
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

// The configs and secrets copied into the container are part of its configuration: their
// targets, owners, modes and a digest of their content.
json file_grants_json(const Project& project, const Service& service) {
  json out = json::array();
  for (const auto& [grants, objects] :
       {std::pair{&service.configs, &project.configs}, {&service.secrets, &project.secrets}}) {
    for (const auto& grant : *grants) {
      auto object = objects->find(grant.source);
      const std::string content = object != objects->end() ? object->second.content : "";
      out.push_back({grant.target, grant.uid, grant.gid, grant.mode, sha256_hex(content)});
    }
  }
  return out;
}

json container_body(const Project& project, const Service& service, const SpecOptions& options,
                    ContainerSpec& spec) {
  json env = json::array();
  for (const auto& [key, value] : service.environment) env.push_back(key + "=" + value);

  std::map<std::string, std::string> container_labels = service.labels;
  for (const auto& [key, value] : options.extra_labels) container_labels[key] = value;
  container_labels[labels::kProject] = project.name;
  container_labels[labels::kService] = service.name;
  container_labels[labels::kContainerNumber] = std::to_string(options.number);
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
  put_if_set(body, "Cmd", service.command);
  put_if_set(body, "Entrypoint", service.entrypoint);
  put_if_set(body, "WorkingDir", service.working_dir);
  put_if_set(body, "User", service.user);
  put_if_set(body, "Hostname", service.hostname);
  put_if_set(body, "Domainname", service.domainname);
  put_if_set(body, "StopSignal", service.stop_signal);
  if (service.healthcheck)
    body["Healthcheck"] = healthcheck_json(*service.healthcheck, service, options);
  if (service.stop_grace_period) body["StopTimeout"] = service.stop_grace_period->count();

  json exposed = json::object();
  for (const auto& port : service.ports)
    exposed[fmt::format("{}/{}", port.target, port.protocol)] = json::object();
  for (const auto& port : service.expose) exposed[port] = json::object();
  put_if_set(body, "ExposedPorts", exposed);

  json host = host_config_json(project, service, options);
  json endpoints = json::object();
  const auto links = links_of(project, service, options.number);
  // API 1.44 moved the container-wide MAC address onto the primary network's endpoint.
  const bool mac_on_endpoint = engine::compare_api_versions(options.api_version, "1.44") >= 0;
  if (!service.mac_address.empty() && (!mac_on_endpoint || !service.network_mode.empty()))
    body["MacAddress"] = service.mac_address;
  if (!service.network_mode.empty()) {
    host["NetworkMode"] = resolve_service_mode(service.network_mode, project, options);
  }
  // The first network is given at create; the others are connected afterwards.
  for (size_t i = 0; i < service.networks.size(); ++i) {
    const auto& attachment = service.networks[i];
    auto network = project.networks.find(attachment.key);
    const std::string network_name = network != project.networks.end() ? network->second.name : attachment.key;
    json endpoint = endpoint_json(service, attachment, links, options);
    if (i == 0) {
      if (mac_on_endpoint && !service.mac_address.empty() && !endpoint.contains("MacAddress"))
        endpoint["MacAddress"] = service.mac_address;
      spec.primary_network = network_name;
      host["NetworkMode"] = network_name;
      endpoints[network_name] = std::move(endpoint);
    } else {
      spec.extra_networks.emplace_back(network_name, std::move(endpoint));
    }
  }
  body["HostConfig"] = std::move(host);
  body["NetworkingConfig"] = {{"EndpointsConfig", endpoints}};
  body["Labels"] = container_labels;
  return body;
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
                             const SpecOptions& options) {
  ContainerSpec spec;
  spec.number = options.number;
  spec.name = container_name(project, service, options.number);
  spec.platform = service.platform;
  spec.body = container_body(project, service, options, spec);

  // The hash covers everything we send, plus the networks connected after create and the files
  // copied in before start, computed as for replica 1 so every replica carries the same hash.
  ContainerSpec first;
  SpecOptions first_options = options;
  first_options.number = 1;
  json hashed =
      options.number == 1 ? spec.body : container_body(project, service, first_options, first);
  hashed["x-extra-networks"] = options.number == 1 ? spec.extra_networks : first.extra_networks;
  if (!service.configs.empty() || !service.secrets.empty())
    hashed["x-files"] = file_grants_json(project, service);
  if (!service.platform.empty()) hashed["x-platform"] = service.platform;
  spec.config_hash = sha256_hex(hashed.dump());
  spec.body["Labels"][labels::kConfigHash] = spec.config_hash;
  return spec;
}

ContainerSpec container_spec(const Project& project, const Service& service,
                             const std::map<std::string, std::string>& extra_labels) {
  SpecOptions options;
  options.extra_labels = extra_labels;
  return container_spec(project, service, options);
}

}  // namespace ollama_stack::compose
