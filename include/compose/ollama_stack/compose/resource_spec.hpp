#pragma once
// Pure translations of the project's other resources into engine calls: network and volume
// creation, image builds, and the tar of the configs and secrets copied into a container.
#include <map>
#include <string>

#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::compose {

// POST /networks/create for a project network; `labels` are Compose's and ollama-stack's. Throws
// ConfigError when the network sets a field the negotiated API does not have.
engine::NetworkOptions network_options(const Network& network, const engine::Labels& labels,
                                       const std::string& api_version);

// POST /build for a service with `build:`; the context tar is made separately
// (make_build_context), unless the context is a URL, which goes in `remote`.
engine::BuildOptions build_options(const Service& service);

// A tar (to extract at "/") holding each config and secret the service is granted, at its
// target, with its mode and owner; "" when the service has none.
std::string file_grants_tar(const Project& project, const Service& service);

// Whether any grant of the service names an owner (the copy must keep the tar's uid/gid).
bool file_grants_set_owner(const Service& service);

}  // namespace ollama_stack::compose
