#pragma once
// Label keys on every resource the product creates: Docker Compose's own (compose/labels.hpp, so
// `docker compose -p <project> ps` sees the stack) and ollama-stack's, which the stack passes to
// compose as extra labels. Stack code reads both through `stack::labels`.
#include "ollama_stack/compose/labels.hpp"

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

}  // namespace ollama_stack::stack::labels
