#pragma once
// The resolved project as JSON (what `ollama-stack config` prints), shaped like the compose file
// format so it reads like `docker compose config`.
#include <nlohmann/json.hpp>

#include "ollama_stack/compose/project.hpp"

namespace ollama_stack::compose {

nlohmann::json to_json(const Project& project);
nlohmann::json to_json(const Service& service);

// JSON as block-style YAML text.
std::string to_yaml(const nlohmann::json& document);

}  // namespace ollama_stack::compose
