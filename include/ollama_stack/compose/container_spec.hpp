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
  nlohmann::json body;               // POST /containers/create body, config-hash label included
  std::string config_hash;           // sha256 hex of the canonical body
  std::string primary_network;       // engine name of the network given at create
  // Networks to connect after create (API 1.41 takes one at create): engine name -> aliases.
  std::vector<std::pair<std::string, std::vector<std::string>>> extra_networks;
};

// `extra_labels` (installation, component) are added to the container's labels and hashed.
ContainerSpec container_spec(const Project& project, const Service& service,
                             const std::map<std::string, std::string>& extra_labels);

// Lowercase hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

}  // namespace ollama_stack::compose
