#include "ollama_stack/stack/extensions/extension_project.hpp"

#include <fmt/format.h>

#include "ollama_stack/stack/home/env_file.hpp"
#include "ollama_stack/stack/home/platform_project.hpp"
#include "ollama_stack/stack/home/variable_lookup.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;

std::string source_path(const Extension& extension, const std::string& file) {
  if (extension.origin == ExtensionOrigin::builtin)
    return fmt::format("embedded:extensions/{}/{}", extension.manifest.name, file);
  return (extension.dir / file).string();
}

}  // namespace

std::string extension_project_name(const std::string& core_project, const std::string& name) {
  return fmt::format("{}-ext-{}", core_project, name);
}

std::string core_network_name(const std::string& core_project) { return core_project + "_default"; }

std::map<std::string, std::string> extension_labels(const std::string& core_project,
                                                    const std::string& name) {
  return {{labels::kInstallation, core_project},
          {labels::kComponent, kExtensionComponent},
          {kExtensionLabel, name}};
}

fs::path extension_working_dir(const Extension& extension, const HomeLayout& home) {
  if (extension.origin == ExtensionOrigin::user) return extension.dir;
  return fs::absolute(home.root / "builtin-extensions" / extension.manifest.name)
      .lexically_normal();
}

std::vector<compose::ComposeSource> select_extension_files(const Extension& extension,
                                                           Platform platform,
                                                           const HomeLayout& home) {
  (void)home;
  std::vector<compose::ComposeSource> sources;
  auto base = extension.file("docker-compose.yml");
  if (!base)
    throw ConfigError(fmt::format("{}: missing", source_path(extension, "docker-compose.yml")),
                      "an extension's folder needs a docker-compose.yml with its services; see "
                      "extensions/README.md");
  sources.push_back({source_path(extension, "docker-compose.yml"), *base});
  const std::string override_file = fmt::format("docker-compose.{}.yml", to_string(platform));
  if (auto text = extension.file(override_file))
    sources.push_back({source_path(extension, override_file), *text});
  return sources;
}

ExtensionProject load_extension_project(const Extension& extension, const HomeLayout& home,
                                        const compose::VariableLookup& process_env,
                                        const PlatformDecision& platform,
                                        const std::string& core_project) {
  compose::LoadOptions options;
  options.sources = select_extension_files(extension, platform.platform, home);
  options.lookup =
      make_stack_lookup(process_env, read_env_file(home.env_file(), process_env), home.root);
  options.project_name = extension_project_name(core_project, extension.manifest.name);
  options.working_dir = extension_working_dir(extension, home).string();
  auto loaded = compose::load_project(options);
  auto& project = loaded.project;
  adapt_to_platform(project, platform, options.lookup);

  // Every service that would use the extension's own default network joins the core's instead.
  compose::Network network;
  network.key = "default";
  network.name = core_network_name(core_project);
  network.external = true;
  project.networks["default"] = network;

  const auto& mcp = extension.manifest.mcp;
  if (project.services.count(mcp.service) == 0)
    throw ConfigError(
        fmt::format("{}: mcp.service: \"{}\" is not a service of {}", extension.manifest_path,
                    mcp.service, options.sources.front().path),
        "name the compose service that serves MCP");
  ExtensionProject result{std::move(loaded.project), std::move(loaded.warnings), {}};
  for (const auto& source : options.sources) result.files.push_back(source.path);
  return result;
}

void materialize_extension(const Extension& extension, const HomeLayout& home) {
  if (extension.origin != ExtensionOrigin::builtin) return;
  const fs::path dir = extension_working_dir(extension, home);
  for (const auto& [relative, content] : extension.files) {
    const fs::path target = dir / relative;
    if (auto existing = util::read_file_if_exists(target); existing && *existing == content)
      continue;
    std::error_code error;
    fs::create_directories(target.parent_path(), error);
    if (error)
      throw Error(
          ExitCode::failed,
          fmt::format("cannot create {}: {}", target.parent_path().string(), error.message()),
          "check the home directory's permissions");
    util::write_file_atomic(target, content);
  }
}

}  // namespace ollama_stack::stack
