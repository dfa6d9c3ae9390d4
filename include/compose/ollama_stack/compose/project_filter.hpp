#pragma once
// The engine filter for a compose project's resources (label com.docker.compose.project=<name>),
// narrowed to one service when given: written once, used by every listing of a project.
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::compose {

inline engine::Filters project_filter(std::string_view project, std::string_view service = {}) {
  std::vector<std::string> wanted{fmt::format("{}={}", labels::kProject, project)};
  if (!service.empty()) wanted.push_back(fmt::format("{}={}", labels::kService, service));
  return {{"label", std::move(wanted)}};
}

}  // namespace ollama_stack::compose
