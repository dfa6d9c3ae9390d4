#include "ollama_stack/compose/project.hpp"

#include <fmt/format.h>

namespace ollama_stack::compose {

std::string container_name(const Project& project, const Service& service) {
  if (!service.container_name.empty()) return service.container_name;
  return fmt::format("{}-{}-1", project.name, service.name);
}

}  // namespace ollama_stack::compose
