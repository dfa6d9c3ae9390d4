#pragma once
// Drift: a container whose config hash still matches its service but which no longer has what
// that configuration gave it — cut off from a network (`docker network disconnect`), a port no
// longer published, a mount that differs. Pure: compares the create body with what the engine
// lists.
#include <string>

#include "ollama_stack/compose/container_spec.hpp"
#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::compose {

// Why `container` differs from what `spec` creates ("not connected to network x", "port
// 127.0.0.1:8080->8080/tcp is not published", "/data is not volume y"), or "" when it does not.
// Ports are compared only while the container runs (a stopped one publishes none).
std::string drift_reason(const ContainerSpec& spec, const engine::ContainerSummary& container);

}  // namespace ollama_stack::compose
