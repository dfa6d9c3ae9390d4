#include "ollama_stack/compose/resource_spec.hpp"

#include <fmt/format.h>

#include <ctime>
#include <memory>

#include "json_fields.hpp"
#include "ollama_stack/compose/build_context.hpp"
#include "ollama_stack/compose/service_options.hpp"
#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/util/error.hpp"
#include "tar_buffer.hpp"

namespace ollama_stack::compose {

engine::NetworkOptions network_options(const Network& network, const engine::Labels& labels,
                                       const std::string& api_version) {
  engine::NetworkOptions options;
  options.driver = network.driver;
  options.labels = labels;
  options.driver_opts = network.driver_opts;
  options.internal = network.internal;
  options.attachable = network.attachable;
  options.enable_ipv6 = network.enable_ipv6;
  if (network.enable_ipv4) {
    if (engine::compare_api_versions(api_version, "1.47") < 0) {
      throw ConfigError(
          fmt::format("networks.{}.enable_ipv4 needs Docker Engine 27 or newer (API 1.47); this "
                      "engine speaks API {}",
                      network.key, api_version),
          "remove it, or upgrade the engine");
    }
    options.enable_ipv4 = network.enable_ipv4;
  }
  if (network.ipam) {
    nlohmann::json ipam{{"Driver", network.ipam->driver.empty() ? "default" : network.ipam->driver},
                        {"Config", nlohmann::json::array()}};
    put_if_set(ipam, "Options", network.ipam->options);
    for (const auto& pool : network.ipam->config) {
      nlohmann::json entry = nlohmann::json::object();
      put_if_set(entry, "Subnet", pool.subnet);
      put_if_set(entry, "IPRange", pool.ip_range);
      put_if_set(entry, "Gateway", pool.gateway);
      put_if_set(entry, "AuxiliaryAddresses", pool.aux_addresses);
      ipam["Config"].push_back(std::move(entry));
    }
    options.ipam = std::move(ipam);
  }
  return options;
}

engine::BuildOptions build_options(const Service& service) {
  const Build& build = *service.build;
  engine::BuildOptions options;
  options.tag = service.image;
  options.more_tags = build.tags;
  options.dockerfile = build.dockerfile_inline.empty() ? build.dockerfile : kInlineDockerfile;
  options.args = build.args;
  options.target = build.target;
  options.network = build.network;
  options.labels = build.labels;
  options.cache_from = build.cache_from;
  options.extra_hosts = build.extra_hosts;
  // A service's platform is what its image is built for, unless the build names one.
  options.platform = build.platform.empty() ? service.platform : build.platform;
  options.isolation = build.isolation;
  options.shm_size = build.shm_size_bytes;
  options.no_cache = build.no_cache;
  options.pull = build.pull;
  if (!build.ulimits.empty()) {
    options.ulimits = nlohmann::json::array();
    for (const auto& limit : build.ulimits)
      options.ulimits.push_back({{"Name", limit.name}, {"Soft", limit.soft}, {"Hard", limit.hard}});
  }
  if (is_remote_context(build.context)) options.remote = build.context;
  return options;
}

bool file_grants_set_owner(const Service& service) {
  for (const auto* grants : {&service.configs, &service.secrets})
    for (const auto& grant : *grants)
      if (!grant.uid.empty() || !grant.gid.empty()) return true;
  return false;
}

std::string file_grants_tar(const Project& project, const Service& service) {
  if (service.configs.empty() && service.secrets.empty()) return {};
  TarBuffer tar;
  for (const auto& [grants, objects] :
       {std::pair{&service.configs, &project.configs}, {&service.secrets, &project.secrets}}) {
    for (const auto& grant : *grants) {
      // Relative to "/", the mode as given and root unless an owner is named, like Compose.
      tar.add_file(grant.target.substr(1), objects->at(grant.source).content, grant.mode,
                   grant.uid.empty() ? 0 : std::stoll(grant.uid), grant.gid.empty() ? 0 : std::stoll(grant.gid),
                   std::time(nullptr));
    }
  }
  return tar.finish();
}

}  // namespace ollama_stack::compose
