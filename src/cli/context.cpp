#include "ollama_stack/cli/context.hpp"

#include "ollama_stack/engine/curl_transport.hpp"

namespace ollama_stack::cli {

Context::Context(std::ostream& out, std::ostream& err, EnvLookup env, bool stdout_is_tty, bool stderr_is_tty,
                 std::optional<int> window_columns)
    : out_(out),
      err_(err),
      env_(std::move(env)),
      stdout_is_tty_(stdout_is_tty),
      stderr_is_tty_(stderr_is_tty),
      window_columns_(window_columns) {}

TerminalCaps Context::caps_out() const {
  return detect_terminal(terminal_facts_from_env(env_, stdout_is_tty_, global.no_color, window_columns_));
}

TerminalCaps Context::caps_err() const {
  return detect_terminal(terminal_facts_from_env(env_, stderr_is_tty_, global.no_color, window_columns_));
}

const engine::Endpoint& Context::endpoint() {
  if (!endpoint_) endpoint_ = engine::resolve_endpoint(global.host, env_);
  return *endpoint_;
}

engine::Client& Context::engine() {
  if (!engine_) {
    if (engine_factory_) {
      engine_ = engine_factory_(endpoint());
    } else {
      engine_ = std::make_unique<engine::Client>(std::make_unique<engine::CurlTransport>(endpoint()));
    }
  }
  return *engine_;
}

std::string Context::home() const {
  if (!global.home.empty()) return global.home;
  if (auto home = env_("OLLAMA_STACK_HOME"); home && !home->empty()) return *home;
  auto user_home = env_("HOME");
  return (user_home && !user_home->empty() ? *user_home : std::string(".")) + "/.ollama-stack";
}

}  // namespace ollama_stack::cli

namespace ollama_stack::cli {

std::string Context::compose_dir() const {
  if (!global.compose_dir.empty()) return global.compose_dir;
  return env_("OLLAMA_STACK_COMPOSE_DIR").value_or("");
}

stack::Session Context::session(const std::string& platform) {
  return stack::Session(engine(), {home(), compose_dir(), platform, env_});
}

}  // namespace ollama_stack::cli
