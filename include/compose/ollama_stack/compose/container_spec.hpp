#pragma once
// Pure translation of a resolved service into the Engine's container-create body, and the
// config hash that tells plan whether a running container still matches its service.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ollama_stack/compose/project.hpp"

namespace ollama_stack::compose {

struct ContainerSpec {
  std::string name;                  // engine container name
  int number = 1;                    // com.docker.compose.container-number
  nlohmann::json body;               // POST /containers/create body, config-hash label included
  std::string config_hash;  // sha256 hex of the canonical body (the same for every replica)
  std::string platform;     // ?platform= of the create call ("" = the engine's)
  std::string primary_network;       // engine name of the network given at create
  // Networks to connect after create (API 1.41 takes one at create): engine name -> the
  // EndpointSettings of POST /networks/{id}/connect.
  std::vector<std::pair<std::string, nlohmann::json>> extra_networks;
};

struct SpecOptions {
  std::map<std::string, std::string> extra_labels;  // installation, component: labelled and hashed
  int number = 1;                                   // the replica
  std::string api_version = "1.41";                 // the negotiated Engine API version
  // The first container (id) of each service this one shares a namespace or volumes with
  // (shared_services()); "service:X" becomes "container:<id>". A service missing here is referred
  // to by its container's name.
  std::map<std::string, std::string> service_containers;
};

// Throws ConfigError when the service uses a field the negotiated API does not have (naming the
// Docker Engine version that has it).
ContainerSpec container_spec(const Project& project, const Service& service,
                             const SpecOptions& options);

// The same with default options and `extra_labels`.
ContainerSpec container_spec(const Project& project, const Service& service,
                             const std::map<std::string, std::string>& extra_labels);

// Lowercase hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

}  // namespace ollama_stack::compose
