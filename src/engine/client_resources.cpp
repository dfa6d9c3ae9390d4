// Engine client: networks, volumes and images.
#include <fmt/format.h>

#include "json_fields.hpp"
#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/util/timestamp.hpp"

namespace ollama_stack::engine {
namespace {

using Kind = EngineError::Kind;

using detail::labels_of;

nlohmann::json parse(const std::string& body) { return detail::parse_answer(body, "a network, volume or image call"); }

NetworkInfo network_of(const nlohmann::json& json) {
  NetworkInfo info{json.value("Id", ""), json.value("Name", ""), json.value("Driver", ""),
                   labels_of(json.value("Labels", nlohmann::json::object())), {}};
  if (json.contains("Containers") && json["Containers"].is_object())
    for (const auto& [id, value] : json["Containers"].items()) info.containers.push_back(id);
  return info;
}

VolumeInfo volume_of(const nlohmann::json& json) {
  VolumeInfo info{json.value("Name", ""), json.value("Driver", ""), json.value("Mountpoint", ""),
                  labels_of(json.value("Labels", nlohmann::json::object())), -1};
  if (json.contains("UsageData") && json["UsageData"].is_object())
    info.size = json["UsageData"].value("Size", int64_t{-1});
  return info;
}

ImageInfo image_of(const nlohmann::json& json) {
  ImageInfo info;
  info.id = json.value("Id", "");
  if (json.contains("RepoTags") && json["RepoTags"].is_array())
    for (const auto& tag : json["RepoTags"]) info.repo_tags.push_back(tag.get<std::string>());
  info.size = json.value("Size", int64_t{0});
  if (json.contains("Created") && json["Created"].is_number()) info.created = json["Created"].get<int64_t>();
  const auto& config = json.contains("Config") ? json["Config"] : json;
  info.labels = labels_of(config.value("Labels", json.value("Labels", nlohmann::json::object())));
  if (json.contains("Metadata") && json["Metadata"].is_object()) {
    if (auto tagged = util::parse_rfc3339(json["Metadata"].value("LastTagTime", "")))
      info.last_tag_time =
          std::chrono::duration_cast<std::chrono::seconds>(tagged->time_since_epoch()).count();
  }
  return info;
}

}  // namespace

// ---- Networks --------------------------------------------------------------------------------

std::string Client::create_network(const std::string& name, const std::string& driver, const Labels& labels) {
  NetworkOptions options;
  options.driver = driver;
  options.labels = labels;
  return create_network(name, options);
}

std::string Client::create_network(const std::string& name, const NetworkOptions& options) {
  nlohmann::json body{{"Name", name},
                      {"Driver", options.driver.empty() ? "bridge" : options.driver},
                      {"CheckDuplicate", true},
                      {"Labels", options.labels}};
  if (!options.driver_opts.empty()) body["Options"] = options.driver_opts;
  if (options.internal) body["Internal"] = true;
  if (options.attachable) body["Attachable"] = true;
  if (options.enable_ipv4) body["EnableIPv4"] = *options.enable_ipv4;
  if (options.enable_ipv6) body["EnableIPv6"] = *options.enable_ipv6;
  if (!options.ipam.is_null()) body["IPAM"] = options.ipam;
  auto response = call({.method = "POST", .path = versioned("/networks/create"), .body = body.dump(),
                        .content_type = "application/json"},
                       {201});
  return parse(response.body).value("Id", "");
}

std::vector<NetworkInfo> Client::list_networks(const Filters& filters) {
  std::string path = "/networks";
  if (!filters.empty()) path += "?filters=" + encode_filters(filters);
  std::vector<NetworkInfo> result;
  for (const auto& item : parse(call({.method = "GET", .path = versioned(path)}, {200}).body))
    result.push_back(network_of(item));
  return result;
}

std::optional<NetworkInfo> Client::inspect_network(const std::string& id_or_name) {
  try {
    return network_of(parse(call({.method = "GET", .path = versioned("/networks/" + url_escape(id_or_name))}, {200}).body));
  } catch (const EngineError& error) {
    if (error.kind() == Kind::not_found) return std::nullopt;
    throw;
  }
}

void Client::remove_network(const std::string& id_or_name) {
  call({.method = "DELETE", .path = versioned("/networks/" + url_escape(id_or_name))}, {204});
}

void Client::connect_network(const std::string& network, const std::string& container,
                             const std::vector<std::string>& aliases) {
  connect_network(network, container, nlohmann::json{{"Aliases", aliases}});
}

void Client::connect_network(const std::string& network, const std::string& container,
                             const nlohmann::json& endpoint) {
  nlohmann::json body{{"Container", container}, {"EndpointConfig", endpoint}};
  call({.method = "POST", .path = versioned("/networks/" + url_escape(network) + "/connect"), .body = body.dump(),
        .content_type = "application/json"},
       {200});
}

void Client::disconnect_network(const std::string& network, const std::string& container, bool force) {
  nlohmann::json body{{"Container", container}, {"Force", force}};
  call({.method = "POST", .path = versioned("/networks/" + url_escape(network) + "/disconnect"), .body = body.dump(),
        .content_type = "application/json"},
       {200});
}

// ---- Volumes ---------------------------------------------------------------------------------

VolumeInfo Client::create_volume(const std::string& name, const std::string& driver,
                                 const Labels& labels,
                                 const std::map<std::string, std::string>& driver_opts) {
  nlohmann::json body{{"Name", name}, {"Driver", driver.empty() ? "local" : driver}, {"Labels", labels}};
  if (!driver_opts.empty()) body["DriverOpts"] = driver_opts;
  auto response = call({.method = "POST", .path = versioned("/volumes/create"), .body = body.dump(),
                        .content_type = "application/json"},
                       {201});
  return volume_of(parse(response.body));
}

std::vector<VolumeInfo> Client::list_volumes(const Filters& filters) {
  std::string path = "/volumes";
  if (!filters.empty()) path += "?filters=" + encode_filters(filters);
  auto json = parse(call({.method = "GET", .path = versioned(path)}, {200}).body);
  std::vector<VolumeInfo> result;
  if (json.contains("Volumes") && json["Volumes"].is_array())
    for (const auto& item : json["Volumes"]) result.push_back(volume_of(item));
  return result;
}

std::optional<VolumeInfo> Client::inspect_volume(const std::string& name) {
  try {
    return volume_of(parse(call({.method = "GET", .path = versioned("/volumes/" + url_escape(name))}, {200}).body));
  } catch (const EngineError& error) {
    if (error.kind() == Kind::not_found) return std::nullopt;
    throw;
  }
}

void Client::remove_volume(const std::string& name, bool force) {
  call({.method = "DELETE", .path = versioned(fmt::format("/volumes/{}?force={}", url_escape(name), force ? 1 : 0))},
       {204});
}

// ---- Images ----------------------------------------------------------------------------------

std::vector<ImageInfo> Client::list_images(const Filters& filters) {
  std::string path = "/images/json";
  if (!filters.empty()) path += "?filters=" + encode_filters(filters);
  std::vector<ImageInfo> result;
  for (const auto& item : parse(call({.method = "GET", .path = versioned(path)}, {200}).body))
    result.push_back(image_of(item));
  return result;
}

std::optional<ImageInfo> Client::inspect_image(const std::string& reference) {
  try {
    // Slashes stay unencoded: the engine routes /images/{name}/json with the name's slashes.
    return image_of(parse(call({.method = "GET", .path = versioned("/images/" + reference + "/json")}, {200}).body));
  } catch (const EngineError& error) {
    if (error.kind() == Kind::not_found) return std::nullopt;
    throw;
  }
}

void Client::remove_image(const std::string& reference, bool force) {
  call({.method = "DELETE", .path = versioned(fmt::format("/images/{}?force={}", reference, force ? 1 : 0))}, {200});
}

void Client::tag_image(const std::string& source, const std::string& target) {
  auto [repository, tag] = split_image_reference(target);
  std::string path = "/images/" + source + "/tag?repo=" + url_escape(repository);
  if (!tag.empty()) path += "&tag=" + url_escape(tag);
  call({.method = "POST", .path = versioned(path)}, {200, 201});
}

std::optional<std::vector<std::string>> Client::image_repo_digests(const std::string& reference) {
  try {
    auto json = parse(call({.method = "GET", .path = versioned("/images/" + reference + "/json")}, {200}).body);
    std::vector<std::string> digests;
    if (json.contains("RepoDigests") && json["RepoDigests"].is_array())
      for (const auto& digest : json["RepoDigests"])
        if (digest.is_string()) digests.push_back(digest.get<std::string>());
    return digests;
  } catch (const EngineError& error) {
    if (error.kind() == Kind::not_found) return std::nullopt;
    throw;
  }
}

}  // namespace ollama_stack::engine
