#pragma once
// The stages between interpolation and validation that bring in other files: `include` (other
// compose applications, each with its own project directory) and `extends` (a service built on
// another one, from this file or another), and the relative paths those files hold.
#include <string>
#include <vector>

#include "ollama_stack/compose/convert.hpp"
#include "ollama_stack/compose/yaml_document.hpp"

namespace ollama_stack::compose {

struct ExpandContext {
  std::string working_dir;  // absolute: where the document's relative paths start
  VariableLookup lookup;
  FileReader read_file;                          // nullptr = the disk
  std::vector<std::string>* warnings = nullptr;  // interpolation and validation warnings
  std::vector<std::string> include_chain;        // files being included, outermost first (cycles)
};

// Reads, decodes, parses and interpolates one file; throws ConfigError naming `referenced_at`
// when it cannot be read.
Node read_document(const std::string& path, const VariableLookup& lookup,
                   const ExpandContext& context, const Location& referenced_at);

// Replaces the top-level `include` list with the resources of the included applications; a
// resource the document defines too is merged over the included one (compose-go's rule).
void apply_includes(Node& document, const ExpandContext& context);

// Resolves every `extends` of the document's services (recursively, across files).
void apply_extends(Node& document, const ExpandContext& context);

// Makes the relative paths of a document (build contexts, env_file, label_file, bind sources,
// extends.file, configs/secrets files) absolute against `base_dir`, as Compose does for files
// that live in another directory than the project.
void resolve_relative_paths(Node& document, const std::string& base_dir);
void resolve_service_paths(Node& service, const std::string& base_dir);

}  // namespace ollama_stack::compose
