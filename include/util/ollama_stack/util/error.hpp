#pragma once
// The small set of error types every layer throws. main() catches them once, prints
// "ollama-stack: error: <message>" (plus the hint) and returns the documented exit code.
#include <stdexcept>
#include <string>

namespace ollama_stack {

// Documented in docs/exit-codes.md; values are stable.
enum class ExitCode : int {
  ok = 0,
  failed = 1,
  usage = 2,
  engine_unreachable = 3,  // also: engine too old
  unhealthy = 4,           // also: timed out waiting
  bad_config = 5,
  interrupted = 130,
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), code_(code), hint_(std::move(hint)) {}
  ExitCode code() const noexcept { return code_; }
  // What the user can do about it; may be empty.
  const std::string& hint() const noexcept { return hint_; }

 private:
  ExitCode code_;
  std::string hint_;
};

// A configuration file or value is wrong. The message names the file and line.
class ConfigError : public Error {
 public:
  explicit ConfigError(std::string message, std::string hint = {})
      : Error(ExitCode::bad_config, std::move(message), std::move(hint)) {}
};

// The user interrupted the operation (SIGINT/SIGTERM); what was done has been undone, or the
// message says what was left.
class Interrupted : public Error {
 public:
  Interrupted() : Error(ExitCode::interrupted, "interrupted") {}
  explicit Interrupted(std::string message, std::string hint = {})
      : Error(ExitCode::interrupted, std::move(message), std::move(hint)) {}
};

// Not an error: a verb that finished its output and wants a non-zero exit code (e.g. `status`
// reporting an unhealthy stack). main() exits with the code and prints nothing more.
class ExitWith {
 public:
  explicit ExitWith(int code) : code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

}  // namespace ollama_stack
