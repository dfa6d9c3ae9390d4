#pragma once
// Typed errors of the engine client. Every failure of a call to the Docker Engine becomes one of
// these, with a sentence a user can act on; libcurl's own wording never reaches the user alone.
#include <string>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::engine {

class EngineError : public Error {
 public:
  enum class Kind {
    unreachable,        // no daemon answers at the endpoint
    permission_denied,  // the socket exists but we may not use it
    too_old,            // the engine's API is older than we support
    timeout,            // the call took longer than its deadline
    not_found,          // 404
    conflict,           // 409
    bad_request,        // 400
    server,             // 5xx
    protocol,           // an answer we could not understand
    cancelled,          // the caller aborted a streaming call
  };

  EngineError(Kind kind, std::string message, std::string hint = {}, int status = 0)
      : Error(exit_code_for(kind), std::move(message), std::move(hint)), kind_(kind), status_(status) {}

  Kind kind() const noexcept { return kind_; }
  int http_status() const noexcept { return status_; }

 private:
  static ExitCode exit_code_for(Kind kind) {
    switch (kind) {
      case Kind::unreachable:
      case Kind::permission_denied:
      case Kind::too_old:
        return ExitCode::engine_unreachable;
      case Kind::cancelled:
        return ExitCode::interrupted;
      default:
        return ExitCode::failed;
    }
  }
  Kind kind_;
  int status_;
};

}  // namespace ollama_stack::engine
