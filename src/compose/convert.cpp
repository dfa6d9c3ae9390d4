// Top-level document → Project: networks, volumes, profiles and the checks that need every
// service at once.
#include "ollama_stack/compose/convert.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <set>
#include <tuple>

#include "node_values.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {
namespace {

const MapEntry* find_entry(const Node& mapping, std::string_view key) {
  for (const auto& entry : mapping.entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

// Where the n-th element of a list-or-mapping key was written (for errors after merging).
Location element_location(const Node& service_node, std::string_view key, size_t index) {
  const MapEntry* entry = find_entry(service_node, key);
  if (entry == nullptr) return service_node.location;
  const Node& value = entry->value;
  if (value.is_sequence() && index < value.items.size()) return value.items[index].location;
  if (value.is_mapping() && index < value.entries.size()) return value.entries[index].key_location;
  return entry->key_location;
}

bool enabled_by_profiles(const Service& service, const std::vector<std::string>& active) {
  if (service.profiles.empty()) return true;
  for (const auto& profile : service.profiles) {
    if (std::find(active.begin(), active.end(), profile) != active.end()) return true;
  }
  return std::find(active.begin(), active.end(), "*") != active.end();
}

void check_cycles(const std::map<std::string, Service>& services, const Node& services_node) {
  std::map<std::string, int> state;  // 0 new, 1 on the stack, 2 done
  std::vector<std::string> stack;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    state[name] = 1;
    stack.push_back(name);
    for (const auto& dependency : services.at(name).depends_on) {
      if (state[dependency.service] == 1) {
        std::string cycle;
        auto from = std::find(stack.begin(), stack.end(), dependency.service);
        for (auto it = from; it != stack.end(); ++it) cycle += *it + " -> ";
        cycle += dependency.service;
        const Node* node = services_node.find(name);
        fail_at(element_location(*node, "depends_on", 0),
                join_path(join_path("services", name), "depends_on"),
                fmt::format("services depend on each other in a cycle: {}", cycle),
                "remove one of the depends_on entries");
      }
      if (state[dependency.service] == 0) visit(dependency.service);
    }
    stack.pop_back();
    state[name] = 2;
  };
  for (const auto& [name, service] : services) {
    if (state[name] == 0) visit(name);
  }
}

}  // namespace

void validate_document(const Node& document, const ConvertContext& context,
                       std::vector<std::string>& warnings) {
  if (document.is_null()) return;
  if (!document.is_mapping()) {
    fail_at(document, "",
            fmt::format("a compose file must be a mapping, not {}", kind_name(document)));
  }
  check_keys(document, "",
             {"name", "services", "networks", "volumes", "configs", "secrets", "version", "models"},
             true);
  ConvertContext file_context = context;
  file_context.warnings = &warnings;
  for (const auto& entry : document.entries) {
    const Node& value = entry.value;
    if (value.tag == Node::Tag::reset || value.is_null()) continue;
    if (entry.key == "version") {
      warnings.push_back(
          fmt::format("{}: version: the top-level \"version\" key is obsolete and ignored",
                      to_string(entry.key_location)));
    } else if (entry.key == "models") {
      file_context.warn(entry.key_location, "models",
                        "ignored: models need Docker Model Runner (Docker Desktop); run them with "
                        "ollama-stack's Ollama instead");
    } else if (entry.key == "name") {
      as_string(value, "name");
    } else if (entry.key == "services" || entry.key == "networks" || entry.key == "volumes" ||
               entry.key == "configs" || entry.key == "secrets") {
      require_mapping(value, entry.key);
      for (const auto& item : value.entries) {
        if (item.value.tag == Node::Tag::reset) continue;
        if (entry.key == "services") {
          if (item.value.is_null()) {
            fail_at(item.key_location, join_path("services", item.key),
                    "a service must be a mapping",
                    "give it an image, or write \"!reset null\" to remove it");
          }
          convert_service(item.key, item.value, file_context);
        } else if (entry.key == "networks") {
          convert_network(item.key, item.value, file_context);
        } else if (entry.key == "volumes") {
          convert_volume(item.key, item.value, file_context);
        } else {
          convert_file_object(item.key, item.value, entry.key == "secrets", file_context);
        }
      }
    }
  }
}

namespace {

// A service reference (service:X, volumes_from, links) must name an enabled service.
void check_reference(const std::map<std::string, Service>& all,
                     const std::vector<std::string>& active, const Service& service,
                     const std::string& target, const Location& where, const std::string& at) {
  auto found = all.find(target);
  if (found == all.end()) fail_at(where, at, fmt::format("service \"{}\" is not defined", target));
  if (target == service.name) fail_at(where, at, "a service cannot refer to itself");
  if (!enabled_by_profiles(found->second, active)) {
    fail_at(where, at, fmt::format("service \"{}\" is disabled by its profiles", target),
            fmt::format("enable one of its profiles, e.g. --profile {}",
                        found->second.profiles.front()));
  }
}

// links, shared namespaces and volumes_from make a service depend on another one, as Compose
// does (restart: true, except for volumes_from).
void add_implicit_dependencies(Service& service, const std::map<std::string, Service>& all,
                               const std::vector<std::string>& active, const Node& node,
                               const std::string& path) {
  auto add = [&](const std::string& target, bool restart, std::string_view key) {
    check_reference(all, active, service, target,
                    find_entry(node, key) ? find_entry(node, key)->key_location : node.location,
                    join_path(path, key));
    for (const auto& dependency : service.depends_on)
      if (dependency.service == target) return;
    service.depends_on.push_back(
        Dependency{target, DependencyCondition::service_started, true, restart});
  };
  for (const auto& link : service.links) add(link.substr(0, link.find(':')), true, "links");
  const std::pair<const std::string*, std::string_view> modes[] = {
      {&service.network_mode, "network_mode"},
      {&service.ipc, "ipc"},
      {&service.pid, "pid"},
      {&service.uts, "uts"},
      {&service.cgroup, "cgroup"}};
  for (const auto& [mode, key] : modes)
    if (auto target = service_reference(*mode); !target.empty()) add(target, true, key);
  for (const auto& entry : service.volumes_from)
    if (!entry.starts_with("container:"))
      add(entry.substr(0, entry.find(':')), false, "volumes_from");
}

// Checks that need the whole project: mounts that collide, grants of undefined objects, files
// that cannot be copied into a read-only container, replicas with a fixed name.
void check_service(const Service& service, const Project& project, const Node& node,
                   const std::string& path) {
  std::map<std::string, std::string> mounted;  // target -> what mounts it
  for (const auto& entry : service.tmpfs) mounted[entry.substr(0, entry.find(':'))] = "tmpfs";
  for (size_t i = 0; i < service.volumes.size(); ++i) {
    if (mounted.contains(service.volumes[i].target)) {
      fail_at(element_location(node, "volumes", i), index_path(join_path(path, "volumes"), i),
              fmt::format("{} is already mounted by {}", service.volumes[i].target,
                          mounted[service.volumes[i].target]));
    }
  }
  auto writable_mount_holds = [&](const std::string& target) {
    for (const auto& mount : service.volumes) {
      if (mount.read_only || mount.type == Mount::Type::tmpfs) continue;
      if (target == mount.target ||
          target.starts_with(mount.target == "/" ? "/" : mount.target + "/"))
        return true;
    }
    return false;
  };
  for (const auto& [key, grants, objects] :
       {std::tuple{"configs", &service.configs, &project.configs},
        {"secrets", &service.secrets, &project.secrets}}) {
    for (size_t i = 0; i < grants->size(); ++i) {
      const FileGrant& grant = (*grants)[i];
      const Location where = element_location(node, key, i);
      const std::string at = index_path(join_path(path, key), i);
      const std::string_view kind = std::string_view(key).substr(0, std::strlen(key) - 1);
      auto object = objects->find(grant.source);
      if (object == objects->end()) {
        fail_at(where, at, fmt::format("{} \"{}\" is not declared", kind, grant.source),
                fmt::format("declare it under the top-level {}: key, e.g. {}: {{file: ./{}.txt}}",
                            key, grant.source, grant.source));
      }
      if (!object->second.problem.empty()) {
        fail_at(where, at, fmt::format("{} \"{}\": {}", kind, grant.source, object->second.problem),
                object->second.origin.starts_with("environment")
                    ? "set the variable in the environment or in the .env file"
                    : fmt::format("create the file, or fix the path (relative paths start at {})",
                                  project.working_dir));
      }
      if (service.read_only && !writable_mount_holds(grant.target)) {
        fail_at(where, at,
                fmt::format("{} cannot be written into a read-only container", grant.target),
                "ollama-stack copies configs and secrets into the container (the engine may be on "
                "another machine): mount a volume on the file's directory, or drop read_only");
      }
    }
  }
  if (service.replicas > 1 && !service.container_name.empty()) {
    fail_at(node, path,
            fmt::format(
                "container_name \"{}\" cannot be used with {} replicas: container names are unique",
                service.container_name, service.replicas),
            "remove container_name, or run one replica");
  }
}

}  // namespace

Project convert_project(const Node& document, const ConvertContext& context,
                        const std::vector<std::string>& active_profiles) {
  Project project;
  project.name = context.project_name;
  project.working_dir = context.working_dir;
  Node empty = Node::mapping(document.location);
  const Node* services_node = document.find("services");
  if (services_node == nullptr || services_node->is_null()) services_node = &empty;

  std::map<std::string, Service> all;
  for (const auto& entry : services_node->entries) {
    all.emplace(entry.key, convert_service(entry.key, entry.value, context));
  }
  auto top_level = [&](const char* key) -> const std::vector<MapEntry>& {
    static const std::vector<MapEntry> none;
    const Node* node = document.find(key);
    return node && node->is_mapping() ? node->entries : none;
  };
  for (const auto& entry : top_level("networks"))
    project.networks.emplace(entry.key, convert_network(entry.key, entry.value, context));
  for (const auto& entry : top_level("volumes"))
    project.volumes.emplace(entry.key, convert_volume(entry.key, entry.value, context));
  for (const auto& entry : top_level("configs"))
    project.configs.emplace(entry.key, convert_file_object(entry.key, entry.value, false, context));
  for (const auto& entry : top_level("secrets"))
    project.secrets.emplace(entry.key, convert_file_object(entry.key, entry.value, true, context));

  for (auto& [name, service] : all) {
    if (!enabled_by_profiles(service, active_profiles)) continue;
    const Node& node = *services_node->find(name);
    const std::string path = join_path("services", name);
    std::vector<Dependency> kept;
    for (size_t i = 0; i < service.depends_on.size(); ++i) {
      const Dependency& dependency = service.depends_on[i];
      Location where = element_location(node, "depends_on", i);
      std::string at = join_path(join_path(path, "depends_on"), dependency.service);
      auto target = all.find(dependency.service);
      if (target == all.end()) {
        fail_at(where, at, fmt::format("service \"{}\" is not defined", dependency.service));
      }
      if (dependency.service == name) fail_at(where, at, "a service cannot depend on itself");
      if (!enabled_by_profiles(target->second, active_profiles)) {
        if (!dependency.required) continue;
        std::string profiles;
        for (const auto& p : target->second.profiles)
          profiles += (profiles.empty() ? "" : ", ") + p;
        fail_at(
            where, at,
            fmt::format("service \"{}\" depends on \"{}\", which is disabled by its profiles ({})",
                        name, dependency.service, profiles),
            fmt::format("enable one of its profiles, e.g. --profile {}",
                        target->second.profiles.front()));
      }
      kept.push_back(dependency);
    }
    service.depends_on = std::move(kept);
    add_implicit_dependencies(service, all, active_profiles, node, path);

    for (size_t i = 0; i < service.networks.size(); ++i) {
      const std::string& key = service.networks[i].key;
      if (project.networks.contains(key)) continue;
      if (key == "default") {
        Network network;
        network.key = key;
        network.name = fmt::format("{}_default", project.name);
        project.networks.emplace(key, network);
        continue;
      }
      fail_at(element_location(node, "networks", i), join_path(join_path(path, "networks"), key),
              fmt::format("network \"{}\" is not declared", key),
              fmt::format("declare it under the top-level networks: key ({}: {{}})", key));
    }
    for (size_t i = 0; i < service.volumes.size(); ++i) {
      const Mount& mount = service.volumes[i];
      if (mount.type != Mount::Type::volume || mount.source.empty()) continue;
      if (project.volumes.contains(mount.source)) continue;
      fail_at(element_location(node, "volumes", i), index_path(join_path(path, "volumes"), i),
              fmt::format("volume \"{}\" is not declared", mount.source),
              fmt::format("declare it under the top-level volumes: key ({}:)", mount.source));
    }
    check_service(service, project, node, path);
    project.services.emplace(name, std::move(service));
  }
  check_cycles(project.services, *services_node);
  return project;
}

}  // namespace ollama_stack::compose
