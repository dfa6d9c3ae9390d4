#pragma once
// Label keys on every resource the product creates: Docker Compose's own (compose/labels.hpp, so
// `docker compose -p <project> ps` sees the stack) and ollama-stack's, which the stack passes to
// compose as extra labels. Stack code reads both through `stack::labels`.
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::stack::labels {

using compose::labels::kComposeVersion;
using compose::labels::kConfigFiles;
using compose::labels::kConfigHash;
using compose::labels::kContainerNumber;
using compose::labels::kDependsOn;
using compose::labels::kImage;
using compose::labels::kNetwork;
using compose::labels::kOneoff;
using compose::labels::kProject;
using compose::labels::kService;
using compose::labels::kVersion;
using compose::labels::kVolume;
using compose::labels::kWorkingDir;

// The installation a resource belongs to (the core project's name), on the core's, its
// extensions' and its backends' resources alike.
inline constexpr const char* kInstallation = "ollama-stack.installation";
// What part of the installation it is: core, extension, backend.
inline constexpr const char* kComponent = "ollama-stack.component";

// The engine filter for an installation's resources (label ollama-stack.installation=<name>),
// narrowed to one component ("extension", "backend") when given.
inline engine::Filters installation_filter(std::string_view installation,
                                           std::string_view component = {}) {
  std::vector<std::string> wanted{fmt::format("{}={}", kInstallation, installation)};
  if (!component.empty()) wanted.push_back(fmt::format("{}={}", kComponent, component));
  return {{"label", std::move(wanted)}};
}

}  // namespace ollama_stack::stack::labels
