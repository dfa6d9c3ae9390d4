#pragma once
// Where extensions come from: the built-in ones embedded in the binary (the repository's
// extensions/<name>/) and the user's own in <home>/extensions/<name>/. A user folder with the
// same name as a built-in one overrides it. A folder whose manifest does not validate is kept as
// an invalid entry (with the error naming file and field) instead of hiding the others.
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ollama_stack/compose/embedded.hpp"
#include "ollama_stack/stack/extensions/extension_manifest.hpp"
#include "ollama_stack/stack/home/home.hpp"

namespace ollama_stack::stack {

enum class ExtensionOrigin { builtin, user };

struct Extension {
  ExtensionManifest manifest;
  ExtensionOrigin origin = ExtensionOrigin::builtin;
  bool overrides_builtin = false;  // a user extension hiding a built-in one of the same name
  // user: the folder; builtin: "" (its files are in `files`)
  std::filesystem::path dir;
  // builtin: every embedded file, keyed by its path inside the folder ("docker-compose.yml")
  std::map<std::string, std::string> files;
  std::string manifest_path;  // for messages: "<home>/extensions/foo/mcp-config.json" or
                              // "embedded:extensions/foo/..."

  // "built-in", "user" or "user (overrides the built-in one)".
  std::string origin_text() const;
  // The content of a file of the extension (relative path); nullopt when it has none.
  std::optional<std::string> file(const std::string& relative) const;
};

struct InvalidExtension {
  std::string name;  // the folder's name
  std::string manifest_path;
  std::string error;  // "<path>: <field>: <what>"
  std::string hint;
};

struct ExtensionCatalog {
  std::vector<Extension> extensions;      // by name
  std::vector<InvalidExtension> invalid;  // by name

  const Extension* find(const std::string& name) const;
  const InvalidExtension* find_invalid(const std::string& name) const;
};

// Reads the built-in files (`builtin`, keyed "<name>/<path>") and <home>/extensions/*/.
ExtensionCatalog discover_extensions(const HomeLayout& home,
                                     std::span<const compose::EmbeddedFile> builtin);
// With the extensions embedded in this binary.
ExtensionCatalog discover_extensions(const HomeLayout& home);

// The extension `name`: throws ConfigError (exit 5) with the manifest's error when it is
// invalid, and Error(usage) naming the known extensions when there is none of that name.
const Extension& require_extension(const ExtensionCatalog& catalog, const std::string& name);

}  // namespace ollama_stack::stack
