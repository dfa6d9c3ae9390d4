#pragma once
// The compose front end in one call: decode → parse → interpolate → validate (each file on its
// own) → merge → convert to the Project model.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/compose/interpolate.hpp"
#include "ollama_stack/compose/project.hpp"

namespace ollama_stack::compose {

struct ComposeSource {
  std::string path;     // used in messages; may be virtual ("embedded:docker-compose.yml")
  std::string content;  // raw file bytes (UTF-8, or UTF-8/UTF-16 with a BOM)
};

struct LoadOptions {
  std::vector<ComposeSource> sources;  // merge order
  VariableLookup lookup;               // the caller composes shell env > home .env
  // "" = COMPOSE_PROJECT_NAME via lookup > top-level name: > basename(working_dir) normalised.
  std::string project_name;
  std::vector<std::string> profiles;  // active profiles; COMPOSE_PROFILES via lookup is added
  std::string working_dir;            // absolute; "" = directory of the first source's path
  // Reads the files compose files name: env_file, label_file, configs and secrets, include and
  // extends (absolute path → bytes, nullopt when unreadable); nullptr = the disk.
  std::function<std::optional<std::string>(const std::string&)> read_file;
};

struct LoadResult {
  Project project;
  std::vector<std::string> warnings;  // "file:line: path: what" (unset variables, obsolete keys)
};

// Throws ConfigError ("file:line: key.path: what is wrong", with a hint) for every problem
// in the files or the variables.
LoadResult load_project(const LoadOptions& options);

// Lower-cases a directory name and drops characters other than [a-z0-9_-] (leading "_" / "-"
// too), as Compose does when it derives a project name.
std::string normalize_project_name(std::string_view directory_name);

}  // namespace ollama_stack::compose
