#pragma once
// What every verb gets: global options, the output streams, the environment lookup and (lazily)
// the engine client. Verbs never touch std::cout or the socket directly, so a test can run a verb
// against a fake engine and read what it printed.
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/engine/endpoint.hpp"
#include "ollama_stack/stack/home/session.hpp"

namespace ollama_stack::cli {

struct GlobalOptions {
  bool verbose = false;
  bool quiet = false;
  bool no_color = false;
  std::string home;  // "" = $OLLAMA_STACK_HOME or ~/.ollama-stack
  std::string host;  // "" = $DOCKER_HOST or the default socket
  std::string compose_dir;  // "" = $OLLAMA_STACK_COMPOSE_DIR or the embedded files
};

class Context {
 public:
  using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
  using EngineFactory = std::function<std::unique_ptr<engine::Client>(const engine::Endpoint&)>;

  Context(std::ostream& out, std::ostream& err, EnvLookup env, bool stdout_is_tty = false,
          bool stderr_is_tty = false, std::optional<int> window_columns = std::nullopt);

  GlobalOptions global;
  bool json = false;  // the verb was asked for --json: errors are also reported as JSON on stdout

  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  const EnvLookup& env() const { return env_; }
  bool stdout_is_tty() const { return stdout_is_tty_; }
  bool stderr_is_tty() const { return stderr_is_tty_; }
  // Where answers to questions come from (confirmations); nullptr = none (never ask, refuse).
  std::istream* in() const { return in_; }
  bool stdin_is_tty() const { return stdin_is_tty_; }
  void set_input(std::istream& in, bool is_tty) {
    in_ = &in;
    stdin_is_tty_ = is_tty;
  }

  // What stdout / stderr can show (colour, unicode, width), decided in cli/terminal.
  TerminalCaps caps_out() const;
  TerminalCaps caps_err() const;

  // The resolved engine endpoint (from --host, DOCKER_HOST, the default socket).
  const engine::Endpoint& endpoint();
  // The engine client, created on first use.
  engine::Client& engine();
  // Tests replace how the client is made.
  void set_engine_factory(EngineFactory factory) { engine_factory_ = std::move(factory); }

  // The home directory of the stack's configuration and state.
  std::string home() const;
  // The compose directory replacing the embedded files ("" = embedded).
  std::string compose_dir() const;
  // A stack session on this context's engine; `platform` is the verb's --platform ("auto").
  stack::Session session(const std::string& platform = "auto");

 private:
  std::ostream& out_;
  std::ostream& err_;
  EnvLookup env_;
  bool stdout_is_tty_;
  bool stderr_is_tty_;
  std::optional<int> window_columns_;
  std::istream* in_ = nullptr;
  bool stdin_is_tty_ = false;
  std::optional<engine::Endpoint> endpoint_;
  std::unique_ptr<engine::Client> engine_;
  EngineFactory engine_factory_;
};

}  // namespace ollama_stack::cli
