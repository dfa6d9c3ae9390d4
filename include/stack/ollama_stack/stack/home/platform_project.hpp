#pragma once
// A loaded compose project (the core's or an extension's) adapted to the platform decision, for
// what a compose file cannot say by itself:
// - nvidia through CDI: each NVIDIA device request becomes a CDI request (driver "cdi", devices
//   nvidia.com/gpu=all or =<id>), as moby's own nvidia.cdi driver maps them;
// - amd: the engine host's render group joins, by id, every service that maps /dev/kfd (a group
//   name would have to exist in the image's /etc/group; ollama/ollama:rocm has no "render").
#include "ollama_stack/compose/interpolate.hpp"
#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/stack/home/platform.hpp"

namespace ollama_stack::stack {

// The variable that names the render group's id (shell > <home>/.env > the engine host's /dev/kfd
// group when the engine runs here).
inline constexpr const char* kRenderGidVariable = "RENDER_GID";

// The render group id the amd platform adds: from `lookup`, else the decision's. Throws
// ConfigError when the variable is not a number.
std::optional<unsigned> render_group_id(const PlatformDecision& decision,
                                        const compose::VariableLookup& lookup);

void adapt_to_platform(compose::Project& project, const PlatformDecision& decision,
                       const compose::VariableLookup& lookup);

}  // namespace ollama_stack::stack
