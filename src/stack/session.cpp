#include "ollama_stack/stack/session.hpp"

#include "ollama_stack/engine/endpoint.hpp"
#include "ollama_stack/stack/env_file.hpp"
#include "ollama_stack/stack/variable_lookup.hpp"

namespace ollama_stack::stack {

Session::Session(engine::Client& engine, SessionOptions options)
    : engine_(engine), options_(std::move(options)), home_{options_.home} {}

const PlatformDecision& Session::platform() {
  if (!platform_) {
    if (auto chosen = parse_platform(options_.platform)) {
      platform_ = PlatformDecision{*chosen, "chosen with --platform", {}};
    } else {
      const auto info = engine_.info();
      platform_ = decide_platform(gather_platform_facts(&info));
    }
  }
  return *platform_;
}

const StackProject& Session::project() {
  if (!project_)
    project_ = load_stack_project(home_, options_.env, platform().platform, options_.compose_dir);
  return *project_;
}

std::string Session::project_name() {
  if (project_) return project_->project.name;
  auto env_file = read_env_file(home_.env_file(), options_.env);
  return stack::project_name(make_stack_lookup(options_.env, std::move(env_file), home_.root));
}

std::string Session::url_host() { return engine::url_host_of(engine_.describe()); }

}  // namespace ollama_stack::stack
