#pragma once
// Service `volumes:` entries. Short: "name:/path[:ro|rw]", "./rel:/path", "/abs:/path",
// "~/x:/path", "/path" (anonymous). Long: type (volume|bind|tmpfs), source, target, read_only.
// Bind sources become absolute (relative to the working dir, "~" from the lookup's HOME).
#include <string>
#include <string_view>

#include "ollama_stack/compose/interpolate.hpp"
#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/compose/yaml_document.hpp"

namespace ollama_stack::compose {

Mount parse_volume_entry(const Node& entry, std::string_view path, const std::string& working_dir,
                         const VariableLookup& lookup);

// The container path of a (valid) entry, for merging volumes by target; "" when there is none.
std::string volume_target(const Node& entry);

}  // namespace ollama_stack::compose
