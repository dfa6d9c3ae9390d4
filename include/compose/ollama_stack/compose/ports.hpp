#pragma once
// `ports:` entries, short ("127.0.0.1:8080:80/udp", ranges "9090-9091:8080-8081") and long
// (target, published, host_ip, protocol, mode), expanded to one PortMapping per port.
#include <string_view>
#include <vector>

#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/compose/yaml_document.hpp"

namespace ollama_stack::compose {

// One entry of a `ports:` list. Throws ConfigError with the entry's location and path.
std::vector<PortMapping> parse_port_entry(const Node& entry, std::string_view path);

}  // namespace ollama_stack::compose
