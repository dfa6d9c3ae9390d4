#pragma once
// The stack's CLI run against a second engine (a "GPU box"): the variables a test's stack needs
// there. No *_IMAGE: the box has the stand-ins under the stack's own default image names, so the
// platforms' compose files are tested with their defaults.
#include <map>
#include <string>

#include "harness.hpp"
#include "second_engine.hpp"

namespace ollama_stack::e2e {

inline std::map<std::string, std::string> box_stack_env(const SecondEngine& box,
                                                        const std::string& project,
                                                        const std::string& home) {
  return {{"PROJECT_NAME", project},
          {"OLLAMA_STACK_HOME", home},
          {"DOCKER_HOST", box.host()},
          {"BIND_ADDRESS", "0.0.0.0"},  // a remote engine's ports are reached on its address
          {"OLLAMA_PORT", std::to_string(free_port())},
          {"WEBUI_PORT", std::to_string(free_port())},
          {"MCP_PROXY_PORT", std::to_string(free_port())}};
}

inline RunOptions box_run_options(const std::map<std::string, std::string>& env) {
  RunOptions options;
  options.env = env;
  options.unset_env = {"DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH",
                       "OLLAMA_IMAGE",   "WEBUI_IMAGE",       "MCP_PROXY_IMAGE"};
  options.timeout = std::chrono::seconds(180);
  return options;
}

}  // namespace ollama_stack::e2e
