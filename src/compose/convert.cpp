// Top-level document → Project: networks, volumes, profiles and the checks that need every
// service at once.
#include "ollama_stack/compose/convert.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>

#include "ollama_stack/compose/node_values.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {
namespace {

struct Resource {
  std::string name;
  std::string driver;
  bool external = false;
  std::map<std::string, std::string> labels;
};

Resource resource_value(const std::string& key, const Node& node, const std::string& path,
                        const std::string& project_name) {
  Resource out;
  std::string explicit_name;
  if (!node.is_null()) {
    require_mapping(node, path);
    check_keys(node, path, {"name", "driver", "external", "labels"}, true);
    for (const auto& entry : node.entries) {
      if (entry.value.is_null()) continue;
      std::string at = join_path(path, entry.key);
      if (entry.key == "name") explicit_name = as_string(entry.value, at);
      if (entry.key == "driver") out.driver = as_string(entry.value, at);
      if (entry.key == "external") out.external = as_bool(entry.value, at);
      if (entry.key == "labels") {
        for (auto& kv : as_key_values(entry.value, at)) out.labels[kv.key] = kv.value.value_or("");
      }
    }
  }
  // An external resource is looked up by its own name, never prefixed with the project.
  if (!explicit_name.empty()) {
    out.name = explicit_name;
  } else {
    out.name = out.external ? key : fmt::format("{}_{}", project_name, key);
  }
  return out;
}

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

Network convert_network(const std::string& key, const Node& node, const std::string& project_name) {
  Resource r = resource_value(key, node, join_path("networks", key), project_name);
  return Network{key, r.name, r.driver.empty() ? "bridge" : r.driver, r.external, r.labels};
}

Volume convert_volume(const std::string& key, const Node& node, const std::string& project_name) {
  Resource r = resource_value(key, node, join_path("volumes", key), project_name);
  return Volume{key, r.name, r.driver.empty() ? "local" : r.driver, r.external, r.labels};
}

void validate_document(const Node& document, const ConvertContext& context,
                       std::vector<std::string>& warnings) {
  if (document.is_null()) return;
  if (!document.is_mapping()) {
    fail_at(document, "",
            fmt::format("a compose file must be a mapping, not {}", kind_name(document)));
  }
  check_keys(document, "", {"name", "services", "networks", "volumes", "version"}, true);
  for (const auto& entry : document.entries) {
    const Node& value = entry.value;
    if (value.tag == Node::Tag::reset || value.is_null()) continue;
    if (entry.key == "version") {
      warnings.push_back(
          fmt::format("{}: version: the top-level \"version\" key is obsolete and ignored",
                      to_string(entry.key_location)));
    } else if (entry.key == "name") {
      as_string(value, "name");
    } else if (entry.key == "services" || entry.key == "networks" || entry.key == "volumes") {
      require_mapping(value, entry.key);
      for (const auto& item : value.entries) {
        if (item.value.tag == Node::Tag::reset) continue;
        if (entry.key == "services") {
          if (item.value.is_null()) {
            fail_at(item.key_location, join_path("services", item.key),
                    "a service must be a mapping",
                    "give it an image, or write \"!reset null\" to remove it");
          }
          convert_service(item.key, item.value, context);
        } else if (entry.key == "networks") {
          convert_network(item.key, item.value, context.project_name);
        } else {
          convert_volume(item.key, item.value, context.project_name);
        }
      }
    }
  }
}

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
  if (const Node* networks = document.find("networks"); networks && networks->is_mapping()) {
    for (const auto& entry : networks->entries) {
      project.networks.emplace(entry.key, convert_network(entry.key, entry.value, project.name));
    }
  }
  if (const Node* volumes = document.find("volumes"); volumes && volumes->is_mapping()) {
    for (const auto& entry : volumes->entries) {
      project.volumes.emplace(entry.key, convert_volume(entry.key, entry.value, project.name));
    }
  }

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

    for (size_t i = 0; i < service.networks.size(); ++i) {
      const std::string& key = service.networks[i].key;
      if (project.networks.contains(key)) continue;
      if (key == "default") {
        project.networks.emplace(key, Network{key, fmt::format("{}_default", project.name)});
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
    project.services.emplace(name, std::move(service));
  }
  check_cycles(project.services, *services_node);
  return project;
}

}  // namespace ollama_stack::compose
