#include "ollama_stack/compose/project_json.hpp"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

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

}  // namespace

json to_json(const Service& service) {
  json out{{"image", service.image}};
  if (service.build)
    out["build"] = {{"context", service.build->context}, {"dockerfile", service.build->dockerfile},
                    {"args", service.build->args}, {"target", service.build->target}};
  if (!service.container_name.empty()) out["container_name"] = service.container_name;
  if (service.command) out["command"] = *service.command;
  if (service.entrypoint) out["entrypoint"] = *service.entrypoint;
  if (!service.environment.empty()) out["environment"] = service.environment;
  for (const auto& port : service.ports) {
    json entry{{"target", port.target}, {"protocol", port.protocol}};
    if (!port.host_ip.empty()) entry["host_ip"] = port.host_ip;
    if (port.published != 0) entry["published"] = std::to_string(port.published);
    out["ports"].push_back(entry);
  }
  for (const auto& mount : service.volumes) {
    const char* type = mount.type == Mount::Type::bind ? "bind" : mount.type == Mount::Type::tmpfs ? "tmpfs" : "volume";
    json entry{{"type", type}, {"target", mount.target}};
    if (!mount.source.empty()) entry["source"] = mount.source;
    if (mount.read_only) entry["read_only"] = true;
    out["volumes"].push_back(entry);
  }
  for (const auto& network : service.networks)
    out["networks"][network.key] = network.aliases.empty() ? json(nullptr) : json{{"aliases", network.aliases}};
  if (!service.labels.empty()) out["labels"] = service.labels;
  if (service.healthcheck) {
    const auto& check = *service.healthcheck;
    json entry{{"test", check.test}};
    if (check.interval.count()) entry["interval"] = duration_text(check.interval);
    if (check.timeout.count()) entry["timeout"] = duration_text(check.timeout);
    if (check.start_period.count()) entry["start_period"] = duration_text(check.start_period);
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
                                             {"required", dependency.required}};
  if (!service.extra_hosts.empty()) out["extra_hosts"] = service.extra_hosts;
  if (!service.working_dir.empty()) out["working_dir"] = service.working_dir;
  if (!service.user.empty()) out["user"] = service.user;
  if (service.tty) out["tty"] = true;
  if (service.stdin_open) out["stdin_open"] = true;
  if (!service.cap_add.empty()) out["cap_add"] = service.cap_add;
  if (!service.group_add.empty()) out["group_add"] = service.group_add;
  for (const auto& device : service.devices)
    out["devices"].push_back(device.host_path + ":" + device.container_path + ":" +
                             device.permissions);
  if (!service.security_opt.empty()) out["security_opt"] = service.security_opt;
  if (!service.profiles.empty()) out["profiles"] = service.profiles;
  if (service.stop_grace_period) out["stop_grace_period"] = fmt::format("{}s", service.stop_grace_period->count());
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
    out["networks"][key] = entry;
  }
  for (const auto& [key, volume] : project.volumes) {
    json entry{{"name", volume.name}};
    if (volume.external) entry["external"] = true;
    if (!volume.labels.empty()) entry["labels"] = volume.labels;
    out["volumes"][key] = entry;
  }
  return out;
}

std::string to_yaml(const json& document) {
  YAML::Emitter out;
  emit(out, document);
  return std::string(out.c_str()) + "\n";
}

}  // namespace ollama_stack::compose
