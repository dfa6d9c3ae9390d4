// Engine client core: version negotiation, the request/error path, system and container calls.
#include "ollama_stack/engine/client.hpp"

#include <fmt/format.h>

#include <charconv>

#include "json_fields.hpp"
#include "ollama_stack/engine/errors.hpp"

namespace ollama_stack::engine {
namespace {

using Kind = EngineError::Kind;

using detail::labels_of;

uint16_t to_port(std::string_view text) {
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && value <= 65535 ? static_cast<uint16_t>(value) : 0;
}

std::string strip_slash(std::string name) {
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name;
}

}  // namespace

Client::Client(std::unique_ptr<Transport> transport) : transport_(std::move(transport)) {}

std::string Client::api_version() {
  std::call_once(negotiated_, [this] {
    auto ping_result = ping();
    std::string server = ping_result.api_version.empty() ? version().api_version : ping_result.api_version;
    if (compare_api_versions(server, kMinApiVersion) < 0) {
      throw EngineError(Kind::too_old,
                        fmt::format("the Docker engine at {} speaks API {}, older than the {} this tool needs",
                                    transport_->describe(), server, kMinApiVersion),
                        "upgrade Docker to 20.10 or newer");
    }
    server_api_version_ = server;
    api_version_ = compare_api_versions(server, kMaxApiVersion) < 0 ? server : kMaxApiVersion;
  });
  return api_version_;
}

std::string Client::versioned(const std::string& path) { return "/v" + api_version() + path; }

void Client::throw_api_error(const HttpRequest& request, const HttpResponse& response) {
  std::string message = error_message_from_body(response.body);
  if (message.empty()) message = fmt::format("HTTP {}", response.status);
  Kind kind = Kind::server;
  switch (response.status) {
    case 400: kind = Kind::bad_request; break;
    case 404: kind = Kind::not_found; break;
    case 409: kind = Kind::conflict; break;
    default: kind = response.status >= 500 ? Kind::server : Kind::protocol;
  }
  // The path without the version prefix reads better: "POST /containers/abc/start".
  std::string path = request.path;
  if (path.starts_with("/v")) path = path.substr(path.find('/', 1));
  if (auto query = path.find('?'); query != std::string::npos) path.resize(query);
  throw EngineError(kind, fmt::format("Docker engine: {} ({} {})", message, request.method, path), {},
                    response.status);
}

HttpResponse Client::call(HttpRequest request, std::initializer_list<int> ok_statuses) {
  HttpResponse response = transport_->send(request);
  for (int ok : ok_statuses)
    if (response.status == ok) return response;
  throw_api_error(request, response);
}

// ---- System ----------------------------------------------------------------------------------

PingResult Client::ping(std::chrono::milliseconds timeout) {
  HttpRequest request{.method = "GET", .path = "/_ping"};
  request.timeout = timeout;
  HttpResponse response;
  try {
    response = transport_->send(request);
  } catch (const EngineError& error) {
    if (error.kind() != Kind::timeout) throw;
    throw EngineError(Kind::unreachable,
                      fmt::format("the Docker engine at {} did not answer a ping within {} ms",
                                  transport_->describe(), timeout.count()),
                      "check that the daemon is running and healthy (`docker info`)");
  }
  if (response.status != 200) {
    throw EngineError(Kind::unreachable,
                      fmt::format("{} does not look like a Docker engine (ping answered HTTP {})",
                                  transport_->describe(), response.status),
                      "point --host / DOCKER_HOST at the Docker engine's socket");
  }
  PingResult result;
  result.api_version = response.headers["api-version"];
  result.os_type = response.headers["ostype"];
  result.server = response.headers["server"];
  return result;
}

VersionInfo Client::version() {
  auto json = detail::parse_answer(call({.method = "GET", .path = "/version"}, {200}).body, "/version");
  return VersionInfo{json.value("Version", ""), json.value("ApiVersion", ""), json.value("MinAPIVersion", ""),
                     json.value("Os", ""), json.value("Arch", ""), json.value("KernelVersion", "")};
}

EngineInfo Client::info() {
  // Only /info is asked at a newer API when the engine has it: the platform decision needs the
  // devices it discovered (DiscoveredDevices, API 1.50+); every field read here is the same there.
  std::string path = versioned("/info");
  if (compare_api_versions(server_api_version_, kDevicesApiVersion) >= 0)
    path = fmt::format("/v{}/info", kDevicesApiVersion);
  auto json = detail::parse_answer(call({.method = "GET", .path = path}, {200}).body, "/info");
  EngineInfo info;
  info.server_version = json.value("ServerVersion", "");
  info.name = json.value("Name", "");
  info.os_type = json.value("OSType", "");
  info.operating_system = json.value("OperatingSystem", "");
  info.architecture = json.value("Architecture", "");
  info.ncpu = json.value("NCPU", 0);
  info.mem_total = json.value("MemTotal", int64_t{0});
  info.cgroup_version = json.value("CgroupVersion", "");
  info.docker_root_dir = json.value("DockerRootDir", "");
  info.default_runtime = json.value("DefaultRuntime", "");
  if (json.contains("Runtimes") && json["Runtimes"].is_object())
    for (const auto& [name, value] : json["Runtimes"].items()) info.runtimes.push_back(name);
  if (json.contains("CDISpecDirs") && json["CDISpecDirs"].is_array())
    for (const auto& dir : json["CDISpecDirs"]) info.cdi_spec_dirs.push_back(dir.get<std::string>());
  if (json.contains("DiscoveredDevices") && json["DiscoveredDevices"].is_array()) {
    info.discovered_devices.emplace();
    for (const auto& device : json["DiscoveredDevices"])
      if (device.is_object() && device.contains("ID") && device["ID"].is_string())
        info.discovered_devices->push_back(device["ID"].get<std::string>());
  }
  info.raw = std::move(json);
  return info;
}

nlohmann::json Client::system_df() {
  HttpRequest request{.method = "GET", .path = versioned("/system/df")};
  request.timeout = std::chrono::milliseconds(120000);
  return detail::parse_answer(call(request, {200}).body, "/system/df");
}

std::map<std::string, int64_t> Client::volume_sizes() {
  std::map<std::string, int64_t> sizes;
  for (const auto& volume : system_df().value("Volumes", nlohmann::json::array()))
    if (volume.contains("UsageData") && volume["UsageData"].is_object())
      sizes[volume.value("Name", "")] = volume["UsageData"].value("Size", int64_t{-1});
  return sizes;
}

// ---- Containers ------------------------------------------------------------------------------

std::vector<ContainerSummary> Client::list_containers(const Filters& filters, bool all) {
  std::string path = fmt::format("/containers/json?all={}", all ? 1 : 0);
  if (!filters.empty()) path += "&filters=" + encode_filters(filters);
  auto json = detail::parse_answer(call({.method = "GET", .path = versioned(path)}, {200}).body, "/containers/json");
  std::vector<ContainerSummary> result;
  for (const auto& item : json) {
    ContainerSummary summary;
    summary.id = item.value("Id", "");
    if (item.contains("Names") && !item["Names"].empty()) summary.name = strip_slash(item["Names"][0].get<std::string>());
    summary.image = item.value("Image", "");
    summary.image_id = item.value("ImageID", "");
    summary.state = item.value("State", "");
    summary.status = item.value("Status", "");
    summary.created = item.value("Created", int64_t{0});
    summary.labels = labels_of(item.value("Labels", nlohmann::json::object()));
    for (const auto& port : item.value("Ports", nlohmann::json::array())) {
      summary.ports.push_back(PortBinding{port.value("IP", ""), port.value("PrivatePort", uint16_t{0}),
                                          port.value("PublicPort", uint16_t{0}), port.value("Type", "")});
    }
    if (auto settings = item.find("NetworkSettings"); settings != item.end() && settings->is_object())
      if (auto networks = settings->find("Networks"); networks != settings->end() && networks->is_object())
        for (const auto& [name, endpoint] : networks->items()) summary.networks.push_back(name);
    for (const auto& mount : item.value("Mounts", nlohmann::json::array()))
      summary.mounts.push_back(MountPoint{mount.value("Type", ""), mount.value("Name", ""), mount.value("Source", ""),
                                          mount.value("Destination", ""), mount.value("RW", true)});
    result.push_back(std::move(summary));
  }
  return result;
}

std::string Client::create_container(const std::string& name, const nlohmann::json& body,
                                     const std::string& platform) {
  std::string path = "/containers/create?name=" + url_escape(name);
  if (!platform.empty()) path += "&platform=" + url_escape(platform);
  HttpRequest request{.method = "POST",
                      .path = versioned(path),
                      .body = body.dump(),
                      .content_type = "application/json"};
  auto json = detail::parse_answer(call(request, {201}).body, "container create");
  return json.value("Id", "");
}

bool Client::start_container(const std::string& id) {
  HttpRequest request{.method = "POST", .path = versioned("/containers/" + id + "/start")};
  request.timeout = std::chrono::milliseconds(120000);
  return call(request, {204, 304}).status == 204;
}

bool Client::stop_container(const std::string& id, int timeout_seconds) {
  HttpRequest request{.method = "POST", .path = versioned(fmt::format("/containers/{}/stop?t={}", id, timeout_seconds))};
  request.timeout = std::chrono::milliseconds((timeout_seconds + 30) * 1000L);
  return call(request, {204, 304}).status == 204;
}

void Client::rename_container(const std::string& id, const std::string& new_name) {
  call({.method = "POST", .path = versioned("/containers/" + id + "/rename?name=" + url_escape(new_name))}, {204});
}

void Client::kill_container(const std::string& id, const std::string& signal) {
  call({.method = "POST", .path = versioned("/containers/" + id + "/kill?signal=" + url_escape(signal))}, {204});
}

void Client::remove_container(const std::string& id, bool force, bool remove_anonymous_volumes) {
  HttpRequest request{.method = "DELETE", .path = versioned(fmt::format(
                          "/containers/{}?force={}&v={}", id, force ? 1 : 0, remove_anonymous_volumes ? 1 : 0))};
  request.timeout = std::chrono::milliseconds(60000);
  call(request, {204});
}

ContainerInspect Client::inspect_container(const std::string& id) {
  auto json = detail::parse_answer(call({.method = "GET", .path = versioned("/containers/" + id + "/json")}, {200}).body,
                         "container inspect");
  ContainerInspect result;
  result.id = json.value("Id", "");
  result.name = strip_slash(json.value("Name", ""));
  result.image_id = json.value("Image", "");
  const auto empty = nlohmann::json::object();
  const auto& config = json.value("Config", empty);
  result.image = config.value("Image", "");
  result.tty = config.value("Tty", false);
  result.labels = labels_of(config.value("Labels", empty));
  if (config.contains("Env") && config["Env"].is_array())
    for (const auto& entry : config["Env"]) result.env.push_back(entry.get<std::string>());
  const auto& state = json.value("State", empty);
  result.state.status = state.value("Status", "");
  result.state.running = state.value("Running", false);
  result.state.exit_code = state.value("ExitCode", 0);
  result.state.pid = state.value("Pid", 0);
  result.state.oom_killed = state.value("OOMKilled", false);
  result.state.error = state.value("Error", "");
  result.state.started_at = state.value("StartedAt", "");
  result.state.finished_at = state.value("FinishedAt", "");
  if (state.contains("Health") && state["Health"].is_object()) {
    const auto& health = state["Health"];
    result.state.health = health.value("Status", "");
    result.state.failing_streak = health.value("FailingStreak", 0);
    for (const auto& entry : health.value("Log", nlohmann::json::array()))
      result.state.health_log.push_back({entry.value("ExitCode", 0), entry.value("Output", "")});
  }
  const auto& settings = json.value("NetworkSettings", empty);
  if (settings.contains("Ports") && settings["Ports"].is_object()) {
    for (const auto& [key, bindings] : settings["Ports"].items()) {
      auto slash = key.find('/');
      auto private_port = to_port(std::string_view(key).substr(0, slash));
      std::string type = slash == std::string::npos ? "tcp" : key.substr(slash + 1);
      if (!bindings.is_array() || bindings.empty()) {
        result.ports.push_back({"", private_port, 0, type});
        continue;
      }
      for (const auto& binding : bindings) {
        result.ports.push_back({binding.value("HostIp", ""), private_port,
                                to_port(binding.value("HostPort", "")), type});
      }
    }
  }
  if (settings.contains("Networks") && settings["Networks"].is_object())
    for (const auto& [name, value] : settings["Networks"].items()) result.networks.push_back(name);
  result.memory_limit = json.value("HostConfig", empty).value("Memory", int64_t{0});
  result.raw = std::move(json);
  return result;
}

std::optional<ContainerInspect> Client::find_container(const std::string& id) {
  try {
    return inspect_container(id);
  } catch (const EngineError& error) {
    if (error.kind() == Kind::not_found) return std::nullopt;
    throw;
  }
}

int Client::wait_container(const std::string& id, const std::string& condition,
                           std::chrono::milliseconds timeout) {
  HttpRequest request{.method = "POST", .path = versioned("/containers/" + id + "/wait?condition=" + condition)};
  request.timeout = timeout;
  auto json = detail::parse_answer(call(request, {200}).body, "container wait");
  return json.value("StatusCode", 0);
}

}  // namespace ollama_stack::engine
