#pragma once
// The engine filter for a compose project's resources (label com.docker.compose.project=<name>),
// narrowed to one service when given: written once, used by every listing of a project.
#include <string>
#include <string_view>

#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::compose {

inline engine::Filters project_filter(std::string_view project, std::string_view service = {}) {
  std::vector<std::string> wanted{std::string(labels::kProject) + "=" + std::string(project)};
  if (!service.empty())
    wanted.push_back(std::string(labels::kService) + "=" + std::string(service));
  return {{"label", std::move(wanted)}};
}

}  // namespace ollama_stack::compose
