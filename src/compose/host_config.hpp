#pragma once
// Parts of the container-create body, used by container_spec.cpp: HostConfig, the networks'
// EndpointSettings, and the check of fields newer than the negotiated API.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ollama_stack/compose/container_spec.hpp"
#include "ollama_stack/compose/project.hpp"

namespace ollama_stack::compose {

// Throws ConfigError when `api_version` is older than `needed`: "services.S.FIELD needs Docker
// Engine X (API needed); this engine speaks API api_version".
void require_api(const SpecOptions& options, const Service& service, std::string_view field,
                 std::string_view needed);

// "service:X" → "container:<X's first container>" (its id from the options, else its name);
// any other mode unchanged.
std::string resolve_service_mode(const std::string& mode, const Project& project,
                                 const SpecOptions& options);

// HostConfig without NetworkMode (set by the caller with the networks).
nlohmann::json host_config_json(const Project& project, const Service& service,
                                const SpecOptions& options);

// HostConfig.Links and the endpoints' Links: each container of each linked service under the
// alias, "<service>-<n>" and "<project>-<service>-<n>" (n = this replica), plus external_links.
std::vector<std::string> links_of(const Project& project, const Service& service, int number);

// EndpointSettings for one of the service's networks.
nlohmann::json endpoint_json(const Service& service, const ServiceNetwork& network,
                             const std::vector<std::string>& links, const SpecOptions& options);

}  // namespace ollama_stack::compose
