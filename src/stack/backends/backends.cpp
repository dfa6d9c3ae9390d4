#include "ollama_stack/stack/backends/backends.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/json_text.hpp"

namespace ollama_stack::stack {
namespace {

constexpr const char* kWebuiService = "webui";

// A name the project gave it ("<project>_<key>") follows the project's new name.
void rename_owned(std::string& engine_name, const std::string& old_project,
                  const std::string& new_project, const std::string& key) {
  if (engine_name == old_project + "_" + key) engine_name = new_project + "_" + key;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

}  // namespace

void validate_backend_name(const std::string& name) {
  const bool valid = !name.empty() && name.size() <= 32 && name.front() != '-' &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                     });
  if (!valid)
    throw Error(ExitCode::usage, fmt::format("\"{}\" is not a backend name", name),
                "use 1-32 lowercase letters, digits and '-' (it names the backend's compose "
                "project and volume), e.g. gpu-box or gpu1");
}

std::vector<std::string> gpu_ids(const std::string& gpus) {
  if (gpus.empty() || gpus == "all") return {};
  std::vector<std::string> ids;
  size_t start = 0;
  while (start <= gpus.size()) {
    const size_t end = std::min(gpus.find(',', start), gpus.size());
    std::string id = gpus.substr(start, end - start);
    if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':';
        }))
      throw Error(ExitCode::usage,
                  fmt::format("--gpus \"{}\" is not all or a list of GPU ids", gpus),
                  "give `all`, or the device indexes or UUIDs nvidia-smi lists, e.g. --gpus 0,1");
    ids.push_back(std::move(id));
    start = end + 1;
  }
  return ids;
}

std::string backend_project_name(const std::string& core_project, const std::string& name) {
  return core_project + "-backend-" + name;
}

std::map<std::string, std::string> backend_labels(const std::string& core_project,
                                                  const std::string& name) {
  return {{labels::kInstallation, core_project},
          {labels::kComponent, "backend"},
          {kBackendLabel, name}};
}

engine::Endpoint backend_endpoint(const BackendRecord& backend, const engine::EnvLookup& env) {
  if (!backend.host.empty()) {
    auto endpoint = engine::resolve_endpoint(backend.host, env);
    endpoint.source = "backend " + backend.name;
    return endpoint;
  }
  // The context is chosen the way DOCKER_CONTEXT chooses it, whatever the environment's engine.
  engine::EnvLookup chosen = [&backend, env](std::string_view name) -> std::optional<std::string> {
    if (name == "DOCKER_CONTEXT") return backend.context;
    if (name == "DOCKER_HOST") return std::nullopt;
    return env ? env(name) : std::nullopt;
  };
  return engine::resolve_endpoint("", chosen);
}

std::string backend_engine_text(const BackendRecord& backend) {
  return backend.host.empty() ? "context " + backend.context : backend.host;
}

std::string backend_webui_url(const BackendRecord& backend, const engine::Endpoint& endpoint) {
  if (!backend.url.empty()) return backend.url;
  std::string host = engine::url_host_of(endpoint.url());
  // An engine on this machine: Open WebUI's container reaches the host's published ports there.
  if (endpoint.kind == engine::Endpoint::Kind::unix_socket || host == "localhost" ||
      host == "127.0.0.1" || host == "[::1]")
    host = "host.docker.internal";
  return fmt::format("http://{}:{}", host, backend.port);
}

std::string backend_client_url(const BackendRecord& backend, const engine::Endpoint& endpoint) {
  std::string host = engine::url_host_of(endpoint.url());
  if (host == "localhost") host = "127.0.0.1";
  return fmt::format("http://{}:{}", host, backend.port);
}

compose::Project backend_project(const compose::Project& core_for_platform,
                                 const BackendRecord& backend) {
  const auto found = core_for_platform.services.find(kBackendService);
  if (found == core_for_platform.services.end())
    throw ConfigError("the stack's compose files have no `ollama` service to run as a backend",
                      "restore the `ollama` service in the compose files (or the home's override)");
  compose::Project project;
  project.name = backend_project_name(core_for_platform.name, backend.name);
  project.working_dir = core_for_platform.working_dir;
  project.config_files = core_for_platform.config_files;
  compose::Service service = found->second;
  service.ports = {
      {.host_ip = backend.bind, .published = static_cast<uint16_t>(backend.port), .target = 11434}};
  if (const auto ids = gpu_ids(backend.gpus); !ids.empty()) {
    for (auto& request : service.device_requests) {
      if (request.driver == "cdi") {
        request.device_ids.clear();
        for (const auto& id : ids) request.device_ids.push_back("nvidia.com/gpu=" + id);
      } else {
        request.count = 0;  // the engine refuses a count together with ids
        request.device_ids = ids;
      }
    }
  }
  for (const auto& mount : service.volumes) {
    if (mount.type != compose::Mount::Type::volume || mount.source.empty()) continue;
    if (auto volume = core_for_platform.volumes.find(mount.source);
        volume != core_for_platform.volumes.end()) {
      auto copy = volume->second;
      if (!copy.external) rename_owned(copy.name, core_for_platform.name, project.name, copy.key);
      project.volumes[copy.key] = copy;
    }
  }
  for (const auto& attachment : service.networks) {
    if (auto network = core_for_platform.networks.find(attachment.key);
        network != core_for_platform.networks.end()) {
      auto copy = network->second;
      if (!copy.external) rename_owned(copy.name, core_for_platform.name, project.name, copy.key);
      project.networks[copy.key] = copy;
    }
  }
  service.depends_on.clear();
  project.services[kBackendService] = std::move(service);
  return project;
}

void wire_backend_urls(compose::Project& core, const std::vector<std::string>& urls) {
  if (urls.empty()) return;
  auto webui = core.services.find(kWebuiService);
  if (webui == core.services.end()) return;
  auto& environment = webui->second.environment;
  std::vector<std::string> all;
  if (auto own = environment.find("OLLAMA_BASE_URL"); own != environment.end())
    all.push_back(own->second);
  for (const auto& url : urls)
    if (std::find(all.begin(), all.end(), url) == all.end()) all.push_back(url);
  environment["OLLAMA_BASE_URLS"] = join(all, ";");
}

std::vector<std::string> recorded_backend_urls(const HomeLayout& home) {
  try {
    return load_state(home.state_file()).webui_backend_urls;
  } catch (const ConfigError&) {
    return {};
  }
}

void record_backend(const HomeLayout& home, const BackendRecord& backend) {
  validate_backend_name(backend.name);
  gpu_ids(backend.gpus);
  auto state = load_state(home.state_file());
  for (const auto& other : state.backends) {
    if (other.name == backend.name)
      throw Error(
          ExitCode::usage,
          fmt::format("a backend named {} exists already ({})", backend.name,
                      backend_engine_text(other)),
          fmt::format("pick another name, or `ollama-stack backends rm {}` first", backend.name));
    if (other.host == backend.host && other.context == backend.context &&
        other.port == backend.port)
      throw Error(ExitCode::usage,
                  fmt::format("backend {} already publishes port {} on {}", other.name, other.port,
                              backend_engine_text(other)),
                  "give this one another --port (one Ollama per GPU on one engine: one port each)");
  }
  state.backends.push_back(backend);
  save_state(home.state_file(), state);
}

bool forget_backend(const HomeLayout& home, const std::string& name) {
  auto state = load_state(home.state_file());
  auto it = std::find_if(state.backends.begin(), state.backends.end(),
                         [&](const BackendRecord& backend) { return backend.name == name; });
  if (it == state.backends.end()) return false;
  state.backends.erase(it);
  save_state(home.state_file(), state);
  return true;
}

std::vector<BackendRecord> recorded_backends(const HomeLayout& home) {
  // Read without load_state()'s copy of a corrupt file: status and list must not write.
  const auto path = home.state_file();
  const auto text = util::read_file_if_exists(path);
  if (!text) return {};
  const auto json = util::parse_json_text(*text, path.string(), "fix or remove the state file");
  return state_from_json(json, path.string(), *text).backends;
}

}  // namespace ollama_stack::stack
