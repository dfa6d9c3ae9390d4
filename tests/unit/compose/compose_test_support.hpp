#pragma once
// Helpers shared by the compose unit tests.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "ollama_stack/compose/load.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose::testing {

inline VariableLookup lookup_from(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    auto it = variables.find(std::string(name));
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

inline LoadOptions options_for(std::vector<ComposeSource> sources,
                               std::map<std::string, std::string> variables = {}) {
  LoadOptions options;
  options.sources = std::move(sources);
  options.lookup = lookup_from(std::move(variables));
  options.working_dir = "/work/proj";
  options.read_file = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return options;
}

// Loads one inline file named "compose.yml" (project dir /work/proj).
inline LoadResult load_text(const std::string& yaml, std::map<std::string, std::string> variables = {}) {
  return load_project(options_for({{"compose.yml", yaml}}, std::move(variables)));
}

// The message of the ConfigError that loading `yaml` throws ("" when it does not throw).
inline std::string load_error(const std::string& yaml, std::map<std::string, std::string> variables = {}) {
  try {
    load_text(yaml, std::move(variables));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace ollama_stack::compose::testing
