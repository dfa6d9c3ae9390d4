// One service mapping → Service.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "ollama_stack/compose/convert.hpp"
#include "ollama_stack/compose/dotenv.hpp"
#include "ollama_stack/compose/mounts.hpp"
#include "ollama_stack/compose/node_values.hpp"
#include "ollama_stack/compose/ports.hpp"
#include "ollama_stack/compose/service_fields.hpp"
#include "ollama_stack/compose/text_decode.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {
namespace {

std::optional<std::string> read_from_disk(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string absolute_path(const std::string& working_dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative()) p = std::filesystem::path(working_dir) / p;
  std::string normal = p.lexically_normal().string();
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

Build build_value(const Node& node, std::string_view path, const ConvertContext& context) {
  Build build;
  std::string context_dir = ".";
  if (node.is_scalar()) {
    context_dir = node.value;
  } else {
    require_mapping(node, path);
    check_keys(node, path, {"context", "dockerfile", "args", "target"});
    for (const auto& entry : node.entries) {
      if (entry.value.is_null()) continue;
      std::string at = join_path(path, entry.key);
      if (entry.key == "context") context_dir = as_string(entry.value, at);
      if (entry.key == "dockerfile") build.dockerfile = as_string(entry.value, at);
      if (entry.key == "target") build.target = as_string(entry.value, at);
      if (entry.key == "args") {
        for (auto& kv : as_key_values(entry.value, at)) {
          // An argument without a value takes the caller's variable, like environment.
          std::optional<std::string> value = kv.value;
          if (!value && context.lookup) value = context.lookup(kv.key);
          if (value) build.args[kv.key] = *value;
        }
      }
    }
  }
  build.context = absolute_path(context.working_dir, context_dir);
  return build;
}

// env_file entries, in order; later files win.
std::map<std::string, std::string> env_file_values(const Node& node, std::string_view path,
                                                   const ConvertContext& context) {
  std::map<std::string, std::string> out;
  auto files = as_string_or_list(node, path);
  for (size_t i = 0; i < files.size(); ++i) {
    const Node& where = node.is_sequence() ? node.items[i] : node;
    std::string at = node.is_sequence() ? index_path(path, i) : std::string(path);
    if (files[i].empty()) fail_at(where, at, "the env file name is empty");
    if (context.partial) continue;
    std::string file = absolute_path(context.working_dir, files[i]);
    auto bytes = context.read_file ? context.read_file(file) : read_from_disk(file);
    if (!bytes) {
      fail_at(where, at, fmt::format("cannot read env file {}", file),
              "create the file or remove it from env_file");
    }
    for (auto& entry : parse_dotenv(decode_text(*bytes, file), file, context.lookup)) {
      out[entry.key] = std::move(entry.value);
    }
  }
  return out;
}

void check_name(const Node& node, std::string_view path, const std::string& value,
                const char* pattern, std::string_view what) {
  if (!std::regex_match(value, std::regex(pattern))) {
    fail_at(node, path, fmt::format("\"{}\" is not a valid {}", value, what));
  }
}

}  // namespace

Service convert_service(const std::string& name, const Node& node, const ConvertContext& context) {
  const std::string path = join_path("services", name);
  require_mapping(node, path);
  check_keys(node, path, {"image",        "build",       "container_name",
                          "command",      "entrypoint",  "environment",
                          "env_file",     "ports",       "volumes",
                          "networks",     "labels",      "healthcheck",
                          "restart",      "mem_limit",   "cpus",
                          "shm_size",     "deploy",      "gpus",
                          "depends_on",   "extra_hosts", "working_dir",
                          "user",         "tty",         "stdin_open",
                          "devices",      "ulimits",     "cap_add",
                          "security_opt", "profiles",    "stop_grace_period",
                          "group_add"},
             true);
  Service service;
  service.name = name;
  service.defined_in = node.location.file;
  std::optional<int64_t> mem_limit;
  std::optional<int64_t> cpus;
  std::optional<DeployResources> deploy;
  std::optional<DeviceRequest> gpus;
  std::map<std::string, std::string> env_file;
  std::vector<KeyValue> environment;

  for (const auto& entry : node.entries) {
    const std::string& key = entry.key;
    const Node& value = entry.value;
    const std::string at = join_path(path, key);
    if (key.starts_with("x-")) {
      service.extensions[key] = to_json(value);
      continue;
    }
    if (value.is_null()) continue;
    if (key == "image") {
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
      env_file = env_file_values(value, at, context);
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
        for (const auto& other : service.volumes) {
          if (other.target == mount.target) {
            fail_at(value.items[i], index_path(at, i),
                    fmt::format("{} is mounted twice in the container", mount.target));
          }
        }
        service.volumes.push_back(mount);
      }
    } else if (key == "networks") {
      service.networks = networks_value(value, at);
    } else if (key == "labels") {
      for (auto& kv : as_key_values(value, at)) service.labels[kv.key] = kv.value.value_or("");
    } else if (key == "healthcheck") {
      service.healthcheck = healthcheck_value(value, at);
    } else if (key == "restart") {
      service.restart = restart_value(value, at);
    } else if (key == "mem_limit") {
      mem_limit = byte_size_value(value, at);
    } else if (key == "cpus") {
      cpus = nano_cpus_value(value, at);
    } else if (key == "shm_size") {
      service.shm_size_bytes = byte_size_value(value, at);
    } else if (key == "deploy") {
      deploy = deploy_value(value, at);
    } else if (key == "gpus") {
      gpus = gpus_value(value, at);
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
    } else if (key == "group_add") {
      service.group_add = as_string_list(value, at);
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

  service.memory_bytes =
      deploy && deploy->memory_limit ? *deploy->memory_limit : mem_limit.value_or(0);
  service.nano_cpus = deploy && deploy->nano_cpus ? *deploy->nano_cpus : cpus.value_or(0);
  if (deploy) {
    service.memory_reservation_bytes = deploy->memory_reservation.value_or(0);
    service.device_requests = deploy->devices;
  }
  if (gpus) service.device_requests.push_back(*gpus);

  service.environment = std::move(env_file);
  for (const auto& kv : environment) {
    std::optional<std::string> value = kv.value;
    if (!value && context.lookup) value = context.lookup(kv.key);
    if (value) service.environment[kv.key] = *value;  // `environment` wins over env_file
  }
  if (service.networks.empty()) {
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
