#include "ollama_stack/stack/models/models.hpp"

#include <fmt/format.h>

#include <cctype>

#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {


constexpr int kOllamaContainerPort = 11434;

// What the container was given: GPU device requests (nvidia, also through CDI), or /dev/kfd (amd).
Platform platform_of(const engine::ContainerInspect& container) {
  const auto& raw = container.raw;
  auto host_config = raw.find("HostConfig");
  if (host_config == raw.end() || !host_config->is_object()) return Platform::cpu;
  auto requests = host_config->find("DeviceRequests");
  if (requests != host_config->end() && requests->is_array() && !requests->empty())
    return Platform::nvidia;
  auto devices = host_config->find("Devices");
  if (devices != host_config->end() && devices->is_array())
    for (const auto& device : *devices)
      if (device.is_object() && device.value("PathOnHost", "") == "/dev/kfd") return Platform::amd;
  return Platform::cpu;
}

std::string not_running_hint(const std::string& project) {
  return fmt::format("start it with `ollama-stack start`{}, or point --ollama-url at an Ollama server",
                     project == "ollama-stack" ? "" : " (PROJECT_NAME=" + project + ")");
}

}  // namespace

std::string normalize_ollama_url(const std::string& url) {
  std::string result = url;
  while (!result.empty() && result.back() == '/') result.pop_back();
  if (result.empty()) throw Error(ExitCode::usage, "--ollama-url is empty", "give a URL such as http://localhost:11434");
  const auto scheme = result.find("://");
  if (scheme == std::string::npos) return "http://" + result;
  const std::string name = result.substr(0, scheme);
  if (name != "http" && name != "https")
    throw Error(ExitCode::usage, fmt::format("--ollama-url {}: the scheme must be http or https", url),
                "give a URL such as http://localhost:11434");
  return result;
}

std::optional<std::string> published_ollama_url(const engine::ContainerInspect& container,
                                                std::string host) {
  for (const auto& port : container.ports) {
    if (port.private_port != kOllamaContainerPort || port.public_port == 0 || port.type != "tcp") continue;
    if (host == "localhost") {
      // Published on one address only (BIND_ADDRESS): that address; on all of them: loopback.
      host = port.ip.empty() || port.ip == "0.0.0.0" || port.ip == "::" ? "127.0.0.1" : port.ip;
      if (host.find(':') != std::string::npos) host = "[" + host + "]";
    }
    return fmt::format("http://{}:{}", host, port.public_port);
  }
  return std::nullopt;
}

OllamaEndpoint resolve_ollama_endpoint(Session& session, const std::string& override_url) {
  OllamaEndpoint endpoint;
  if (!override_url.empty()) {
    endpoint.url = normalize_ollama_url(override_url);
    endpoint.source = "--ollama-url";
    return endpoint;
  }
  auto& engine = session.engine();
  const std::string project = session.project_name();
  auto containers = engine.list_containers(compose::project_filter(project, "ollama"), true);
  for (const auto& summary : containers) {
    if (summary.state != "running") continue;
    auto oneoff = summary.labels.find(labels::kOneoff);
    if (oneoff != summary.labels.end() && oneoff->second == "True") continue;
    const auto container = engine.inspect_container(summary.id);
    if (auto url = published_ollama_url(container, session.url_host())) {
      endpoint.url = *url;
      endpoint.source = "container";
      endpoint.container = container.name;
      endpoint.platform = platform_of(container);
      return endpoint;
    }
    throw Error(ExitCode::failed,
                fmt::format("the ollama container {} publishes no port for {}, so its API cannot be reached",
                            container.name, kOllamaContainerPort),
                "set OLLAMA_PORT in the home's .env and run `ollama-stack start`, or use --ollama-url");
  }
  if (session.platform().platform == Platform::apple) {
    endpoint.url = "http://localhost:11434";
    endpoint.source = "native app";
    endpoint.platform = Platform::apple;
    return endpoint;
  }
  throw Error(ExitCode::failed, fmt::format("the stack ({}) is not running, so there is no Ollama to ask", project),
              not_running_hint(project));
}

std::string processor_of(const RunningModel& model) {
  if (model.size_vram <= 0) return "cpu";
  if (model.size_vram >= model.size) return "gpu";
  return "mixed";
}

std::string cpu_fallback_warning(const RunningModel& model, Platform platform) {
  if ((platform != Platform::nvidia && platform != Platform::amd) || model.size_vram > 0) return "";
  return fmt::format(
      "{} is loaded with no GPU memory, so it runs on the CPU: the GPU was lost or is not "
      "visible to the container. Check `{}` on the host, then run `ollama-stack restart` (and "
      "`ollama-stack check` if it persists)",
      model.name, platform == Platform::amd ? "rocm-smi" : "nvidia-smi");
}

std::string license_summary(const std::string& license, std::size_t width) {
  std::size_t start = 0;
  while (start < license.size()) {
    auto end = license.find('\n', start);
    if (end == std::string::npos) end = license.size();
    std::string line = license.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    std::size_t lead = 0;
    while (lead < line.size() && std::isspace(static_cast<unsigned char>(line[lead]))) ++lead;
    line.erase(0, lead);
    if (line.empty()) continue;
    if (line.size() > width) {
      std::size_t cut = width > 1 ? width - 1 : 0;
      while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // not mid-character
      line = line.substr(0, cut) + "…";
    }
    return line;
  }
  return "";
}

}  // namespace ollama_stack::stack
