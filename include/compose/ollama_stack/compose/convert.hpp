#pragma once
// Document nodes → the Project model. The same functions validate each file on its own before
// merging (`partial`: keys, types and values only) and convert the merged document afterwards.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/compose/interpolate.hpp"
#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/compose/yaml_document.hpp"

namespace ollama_stack::compose {

using FileReader = std::function<std::optional<std::string>(const std::string&)>;

struct ConvertContext {
  std::string project_name;
  std::string working_dir;  // absolute
  VariableLookup lookup;    // for environment entries without a value and for "~"
  FileReader read_file;     // for env_file; nullptr = read from disk
  // Validating one file before the merge: no env_file reads, no checks that need the other
  // files (image or build present, references between services, networks and volumes).
  bool partial = false;
  // Where keys that are accepted but have no effect here are reported ("file:line: path: why");
  // written only in the `partial` pass, so each warning names the file that holds the key.
  std::vector<std::string>* warnings = nullptr;

  // Reports an ignored key (only in the partial pass, see `warnings`).
  void warn(const Location& where, std::string_view path, std::string_view why) const;
  // Reads a file named in a compose file (env_file, label_file, configs, secrets).
  std::optional<std::string> read(const std::string& path) const;
};

// The bytes of a file through `reader` (nullptr = the disk); nullopt when unreadable.
std::optional<std::string> read_with(const FileReader& reader, const std::string& path);

// `path` made absolute against `working_dir`, normalised, without a trailing "/".
std::string absolute_path(const std::string& working_dir, const std::string& path);

Service convert_service(const std::string& name, const Node& node, const ConvertContext& context);
Network convert_network(const std::string& key, const Node& node, const ConvertContext& context);
Volume convert_volume(const std::string& key, const Node& node, const ConvertContext& context);
// A top-level `configs` (is_secret false) or `secrets` entry; reads its file or variable unless
// the context is partial.
FileObject convert_file_object(const std::string& key, const Node& node, bool is_secret,
                               const ConvertContext& context);

// Checks the top-level keys of one file, then converts every service, network and volume in
// `partial` mode. Adds a warning for the obsolete `version` key.
void validate_document(const Node& document, const ConvertContext& context,
                       std::vector<std::string>& warnings);

// The merged document → Project: services outside the active profiles are left out,
// cross-references (depends_on, networks, volumes) are checked.
Project convert_project(const Node& document, const ConvertContext& context,
                        const std::vector<std::string>& active_profiles);

}  // namespace ollama_stack::compose
