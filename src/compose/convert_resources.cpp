// Top-level networks, volumes, configs and secrets → the model.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "node_values.hpp"
#include "ollama_stack/compose/convert.hpp"

namespace ollama_stack::compose {
namespace {

// `external: true`, `external: false` or the deprecated `external: {name: N}` (sets the name).
bool external_value(const Node& node, std::string_view path, std::string& name) {
  if (!node.is_mapping()) return as_bool(node, path);
  check_keys(node, path, {"name"});
  if (const Node* n = node.find("name"); n && !n->is_null())
    name = as_string(*n, join_path(path, "name"));
  return true;
}

// An external resource is looked up by its own name, never prefixed with the project.
std::string engine_name(const std::string& explicit_name, bool external, const std::string& key,
                        const std::string& project_name) {
  if (!explicit_name.empty()) return explicit_name;
  return external ? key : fmt::format("{}_{}", project_name, key);
}

Ipam ipam_value(const Node& node, std::string_view path) {
  require_mapping(node, path);
  check_keys(node, path, {"driver", "config", "options"}, true);
  Ipam ipam;
  for (const auto& entry : node.entries) {
    if (entry.value.is_null() || entry.key.starts_with("x-")) continue;
    const std::string at = join_path(path, entry.key);
    if (entry.key == "driver") ipam.driver = as_string(entry.value, at);
    if (entry.key == "options") ipam.options = as_string_map(entry.value, at);
    if (entry.key != "config") continue;
    require_sequence(entry.value, at);
    for (size_t i = 0; i < entry.value.items.size(); ++i) {
      const Node& item = entry.value.items[i];
      const std::string item_at = index_path(at, i);
      require_mapping(item, item_at);
      check_keys(item, item_at, {"subnet", "ip_range", "gateway", "aux_addresses"}, true);
      IpamPool pool;
      for (const auto& field : item.entries) {
        if (field.value.is_null() || field.key.starts_with("x-")) continue;
        const std::string field_at = join_path(item_at, field.key);
        if (field.key == "subnet") pool.subnet = as_string(field.value, field_at);
        if (field.key == "ip_range") pool.ip_range = as_string(field.value, field_at);
        if (field.key == "gateway") pool.gateway = as_string(field.value, field_at);
        if (field.key == "aux_addresses") pool.aux_addresses = as_string_map(field.value, field_at);
      }
      ipam.config.push_back(std::move(pool));
    }
  }
  return ipam;
}

}  // namespace

std::optional<std::string> read_with(const FileReader& reader, const std::string& path) {
  if (reader) return reader(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void ConvertContext::warn(const Location& where, std::string_view path,
                          std::string_view why) const {
  if (!partial || warnings == nullptr) return;
  warnings->push_back(fmt::format("{}: {}: {}", to_string(where), path, why));
}

std::optional<std::string> ConvertContext::read(const std::string& path) const {
  return read_with(read_file, path);
}

std::string absolute_path(const std::string& working_dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative()) p = std::filesystem::path(working_dir) / p;
  std::string normal = p.lexically_normal().string();
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

Network convert_network(const std::string& key, const Node& node, const ConvertContext& context) {
  const std::string path = join_path("networks", key);
  Network network;
  network.key = key;
  std::string explicit_name;
  if (!node.is_null()) {
    require_mapping(node, path);
    check_keys(node, path,
               {"name", "driver", "driver_opts", "external", "internal", "attachable",
                "enable_ipv4", "enable_ipv6", "ipam", "labels"},
               true);
    for (const auto& entry : node.entries) {
      if (entry.value.is_null() || entry.key.starts_with("x-")) continue;
      const std::string at = join_path(path, entry.key);
      const Node& value = entry.value;
      if (entry.key == "name") explicit_name = as_string(value, at);
      if (entry.key == "driver") network.driver = as_string(value, at);
      if (entry.key == "driver_opts") network.driver_opts = as_string_map(value, at);
      if (entry.key == "external") network.external = external_value(value, at, explicit_name);
      if (entry.key == "internal") network.internal = as_bool(value, at);
      if (entry.key == "attachable") network.attachable = as_bool(value, at);
      if (entry.key == "enable_ipv4") network.enable_ipv4 = as_bool(value, at);
      if (entry.key == "enable_ipv6") network.enable_ipv6 = as_bool(value, at);
      if (entry.key == "ipam") network.ipam = ipam_value(value, at);
      if (entry.key == "labels") network.labels = as_string_map(value, at);
    }
  }
  if (network.driver.empty()) network.driver = "bridge";
  network.name = engine_name(explicit_name, network.external, key, context.project_name);
  return network;
}

Volume convert_volume(const std::string& key, const Node& node, const ConvertContext& context) {
  const std::string path = join_path("volumes", key);
  Volume volume;
  volume.key = key;
  std::string explicit_name;
  if (!node.is_null()) {
    require_mapping(node, path);
    check_keys(node, path, {"name", "driver", "driver_opts", "external", "labels"}, true);
    for (const auto& entry : node.entries) {
      if (entry.value.is_null() || entry.key.starts_with("x-")) continue;
      const std::string at = join_path(path, entry.key);
      if (entry.key == "name") explicit_name = as_string(entry.value, at);
      if (entry.key == "driver") volume.driver = as_string(entry.value, at);
      if (entry.key == "driver_opts") volume.driver_opts = as_string_map(entry.value, at);
      if (entry.key == "external") volume.external = external_value(entry.value, at, explicit_name);
      if (entry.key == "labels") volume.labels = as_string_map(entry.value, at);
    }
  }
  if (volume.driver.empty()) volume.driver = "local";
  volume.name = engine_name(explicit_name, volume.external, key, context.project_name);
  return volume;
}

FileObject convert_file_object(const std::string& key, const Node& node, bool is_secret,
                               const ConvertContext& context) {
  const std::string path = join_path(is_secret ? "secrets" : "configs", key);
  const char* kind = is_secret ? "secret" : "config";
  require_mapping(node, path);
  if (is_secret) {
    check_keys(node, path,
               {"name", "file", "environment", "external", "labels", "driver", "driver_opts",
                "template_driver"},
               true);
  } else {
    check_keys(node, path,
               {"name", "file", "environment", "content", "external", "labels", "template_driver"},
               true);
  }
  FileObject object;
  object.key = key;
  std::string explicit_name;
  const Node* source = nullptr;
  std::string source_key;
  for (const auto& entry : node.entries) {
    if (entry.value.is_null() || entry.key.starts_with("x-")) continue;
    const std::string at = join_path(path, entry.key);
    const Node& value = entry.value;
    if (entry.key == "name") explicit_name = as_string(value, at);
    if (entry.key == "labels") object.labels = as_string_map(value, at);
    if (entry.key == "external" && external_value(value, at, explicit_name)) {
      // Docker Compose refuses these too: an external config or secret lives in a Swarm.
      fail_at(value, at,
              fmt::format("an external {} needs Docker Swarm, which a single engine has not", kind),
              fmt::format("give the {} a file, environment or content source instead", kind));
    }
    if (entry.key == "driver" || entry.key == "driver_opts" || entry.key == "template_driver") {
      fail_at(entry.key_location, at, fmt::format("{}s with a driver need Docker Swarm", kind),
              "remove the key; Docker Compose refuses it too");
    }
    if (entry.key == "file" || entry.key == "environment" || entry.key == "content") {
      if (source != nullptr) {
        fail_at(entry.key_location, at,
                fmt::format("a {} takes one of file, environment or content, not both {} and {}",
                            kind, source_key, entry.key));
      }
      source = &value;
      source_key = entry.key;
    }
  }
  object.name =
      explicit_name.empty() ? fmt::format("{}_{}", context.project_name, key) : explicit_name;
  if (source == nullptr) {
    fail_at(node, path,
            fmt::format("a {} needs a file, environment{} source", kind,
                        is_secret ? "" : " or content"),
            fmt::format("e.g. file: ./{}.txt", key));
  }
  const std::string text = as_string(*source, join_path(path, source_key));
  if (source_key == "content") {
    object.origin = "content";
    object.content = text;
  } else if (source_key == "environment") {
    object.origin = "environment " + text;
    if (!context.partial) {
      auto value = context.lookup ? context.lookup(text) : std::nullopt;
      if (value)
        object.content = *value;
      else
        object.problem = fmt::format("the variable {} is not set", text);
    }
  } else {
    if (text.empty()) fail_at(*source, join_path(path, source_key), "the file name is empty");
    const std::string file = absolute_path(context.working_dir, text);
    object.origin = "file " + file;
    if (!context.partial) {
      auto bytes = context.read(file);
      if (bytes)
        object.content = std::move(*bytes);
      else
        object.problem = fmt::format("cannot read {}", file);
    }
  }
  return object;
}

}  // namespace ollama_stack::compose
