#pragma once
// An extension as a compose project of its own: `<core project>-ext-<name>`, loaded from the
// extension's docker-compose.yml plus its platform override (chosen like the core's), with the
// stack's variables, joined to the core's network `<core project>_default` (as an external
// network, so stopping the extension never touches the core), and every resource labelled as an
// extension of this installation.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ollama_stack/compose/interpolate.hpp"
#include "ollama_stack/compose/load.hpp"
#include "ollama_stack/stack/extensions/extension_catalog.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/platform.hpp"

namespace ollama_stack::stack {

inline constexpr const char* kExtensionLabel = "ollama-stack.extension";
inline constexpr const char* kExtensionComponent = "extension";

// "<core>-ext-<name>".
std::string extension_project_name(const std::string& core_project, const std::string& name);
// The core's default network, "<core>_default".
std::string core_network_name(const std::string& core_project);
// ollama-stack.installation=<core>, ollama-stack.component=extension,
// ollama-stack.extension=<name>.
std::map<std::string, std::string> extension_labels(const std::string& core_project,
                                                    const std::string& name);

// Where a built-in extension's files are written so build contexts and relative bind mounts
// resolve: <home>/builtin-extensions/<name>. A user extension's own folder otherwise.
std::filesystem::path extension_working_dir(const Extension& extension, const HomeLayout& home);

// The compose files of the extension on `platform`: docker-compose.yml, then
// docker-compose.<platform>.yml when the extension has one. Throws ConfigError when it has no
// docker-compose.yml.
std::vector<compose::ComposeSource> select_extension_files(const Extension& extension,
                                                           Platform platform,
                                                           const HomeLayout& home);

struct ExtensionProject {
  compose::Project project;
  std::vector<std::string> warnings;
  std::vector<std::string> files;  // merge order
};

// Loads the extension's project with the stack's variables (process environment > <home>/.env >
// the files' defaults), adapts it to the platform decision as the core's (platform_project.hpp),
// puts every service on the core's network and checks that the manifest's MCP service exists.
// Throws ConfigError naming file and field.
ExtensionProject load_extension_project(const Extension& extension, const HomeLayout& home,
                                        const compose::VariableLookup& process_env,
                                        const PlatformDecision& platform,
                                        const std::string& core_project);
inline ExtensionProject load_extension_project(const Extension& extension, const HomeLayout& home,
                                               const compose::VariableLookup& process_env,
                                               Platform platform, const std::string& core_project) {
  return load_extension_project(extension, home, process_env,
                                PlatformDecision{.platform = platform}, core_project);
}

// Writes a built-in extension's embedded files into extension_working_dir() (only files whose
// content differs); nothing for a user extension.
void materialize_extension(const Extension& extension, const HomeLayout& home);

}  // namespace ollama_stack::stack
