#include "ollama_stack/stack/home/stack_project.hpp"

#include <fmt/format.h>

#include "ollama_stack/compose/embedded.hpp"
#include "ollama_stack/stack/backends/backends.hpp"
#include "ollama_stack/stack/home/env_file.hpp"
#include "ollama_stack/stack/home/platform_project.hpp"
#include "ollama_stack/stack/home/variable_lookup.hpp"
#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;

std::string platform_file(Platform platform) {
  return fmt::format("docker-compose.{}.yml", to_string(platform));
}

}  // namespace

ComposeSelection select_compose_files(Platform platform, const std::string& compose_dir, const HomeLayout& home) {
  ComposeSelection selection;
  selection.working_dir = fs::absolute(home.root).lexically_normal().string();
  if (compose_dir.empty()) {
    selection.sources.push_back({"embedded:docker-compose.yml", std::string(*compose::embedded_compose_file("docker-compose.yml"))});
    if (auto file = compose::embedded_compose_file(platform_file(platform)))
      selection.sources.push_back({"embedded:" + platform_file(platform), std::string(*file)});
  } else {
    const fs::path dir = fs::absolute(compose_dir).lexically_normal();
    const fs::path base = dir / "docker-compose.yml";
    if (!fs::exists(base))
      throw ConfigError(fmt::format("compose directory {} has no docker-compose.yml", dir.string()),
                        "point --compose-dir (or OLLAMA_STACK_COMPOSE_DIR) at a directory holding the stack's files");
    selection.working_dir = dir.string();
    selection.sources.push_back({base.string(), util::read_file(base)});
    if (fs::path override_file = dir / platform_file(platform); fs::exists(override_file))
      selection.sources.push_back({override_file.string(), util::read_file(override_file)});
  }
  if (fs::exists(home.compose_override()))
    selection.sources.push_back({home.compose_override().string(), util::read_file(home.compose_override())});
  return selection;
}

StackProject load_stack_project(const HomeLayout& home, const compose::VariableLookup& process_env,
                                const PlatformDecision& platform, const std::string& compose_dir,
                                const std::vector<std::string>& profiles) {
  auto env_file = read_env_file(home.env_file(), process_env);
  auto selection = select_compose_files(platform.platform, compose_dir, home);
  compose::LoadOptions options;
  options.sources = selection.sources;
  options.lookup = make_stack_lookup(process_env, std::move(env_file), home.root);
  options.project_name = project_name(options.lookup);
  options.profiles = profiles;
  options.working_dir = selection.working_dir;
  auto loaded = compose::load_project(options);
  adapt_to_platform(loaded.project, platform, options.lookup);
  wire_backend_urls(loaded.project, recorded_backend_urls(home));
  StackProject result{std::move(loaded.project), std::move(loaded.warnings), {}, platform.platform};
  for (const auto& source : selection.sources) result.files.push_back(source.path);
  return result;
}

StackProject load_stack_project(const HomeLayout& home, const compose::VariableLookup& process_env,
                                Platform platform, const std::string& compose_dir,
                                const std::vector<std::string>& profiles) {
  return load_stack_project(home, process_env, PlatformDecision{.platform = platform}, compose_dir,
                            profiles);
}

}  // namespace ollama_stack::stack
