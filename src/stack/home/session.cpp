#include "ollama_stack/stack/home/session.hpp"

#include "home/project_for_names.hpp"
#include "ollama_stack/engine/endpoint.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/home/env_defaults.hpp"
#include "ollama_stack/stack/home/env_file.hpp"
#include "ollama_stack/stack/home/variable_lookup.hpp"

namespace ollama_stack::stack {

Session::Session(engine::Client& engine, SessionOptions options)
    : engine_(engine), options_(std::move(options)), home_{options_.home} {}

const PlatformFacts& Session::platform_facts() {
  if (!facts_) {
    std::optional<engine::EngineInfo> info;
    try {
      info = engine_.info();
    } catch (const engine::EngineError&) {
      engine_error_ = std::current_exception();
    }
    facts_ = gather_platform_facts(info ? &*info : nullptr, engine_.describe());
  }
  return *facts_;
}

const PlatformDecision& Session::platform() {
  if (!platform_) {
    const auto chosen = parse_platform(options_.platform);
    const auto& facts = platform_facts();
    // Detection needs the engine; a named platform only refines with it.
    if (!chosen && engine_error_) std::rethrow_exception(engine_error_);
    platform_ = chosen ? choose_platform(*chosen, facts) : decide_platform(facts);
  }
  return *platform_;
}

void Session::use_platform(PlatformDecision decision) {
  platform_ = std::move(decision);
  project_.reset();
}

const StackProject& Session::project() {
  if (!project_)
    project_ = load_stack_project(home_, options_.env, platform(), options_.compose_dir);
  return *project_;
}

StackProject project_for_names(Session& session) {
  const compose::VariableLookup& env = session.options().env;
  compose::VariableLookup lookup = [&env](std::string_view name) -> std::optional<std::string> {
    if (auto value = env(name)) return value;
    if (name == kSecretKeyVariable) return std::string("not-needed-to-name-things");
    return std::nullopt;
  };
  return load_stack_project(session.home(), lookup, session.platform().platform, session.options().compose_dir);
}

std::string Session::project_name() {
  if (project_) return project_->project.name;
  return stack::project_name(variables());
}

compose::VariableLookup Session::variables() const {
  return make_stack_lookup(options_.env, read_env_file(home_.env_file(), options_.env), home_.root);
}

std::string Session::url_host() { return engine::url_host_of(engine_.describe()); }

}  // namespace ollama_stack::stack
