#pragma once
// The Docker CLI's contexts (`docker context create/use`): which one is current, and the endpoint
// it stores. Layout of the CLI's config directory (default ~/.docker, $DOCKER_CONFIG overrides):
//   config.json                                  {"currentContext": "name", ...}
//   contexts/meta/<sha256(name)>/meta.json       {"Name": ..., "Endpoints": {"docker": {"Host":
//   ...,
//                                                 "SkipTLSVerify": bool}}}
//   contexts/tls/<sha256(name)>/docker/          ca.pem, cert.pem, key.pem (any of them)
#include <optional>
#include <string>

namespace ollama_stack::engine {

struct ContextChoice {
  std::string name;
  std::string origin;  // "DOCKER_CONTEXT" or the path of config.json
};

// The context chosen by DOCKER_CONTEXT (`docker_context_env`, may be empty) or config.json's
// "currentContext"; nullopt when none is chosen or the choice is "default" (no context).
// Throws ConfigError when config.json exists but is not valid JSON.
std::optional<ContextChoice> current_docker_context(const std::string& config_dir,
                                                    const std::string& docker_context_env);

struct DockerContext {
  std::string name;
  std::string host;  // Endpoints.docker.Host ("" = the default socket)
  bool skip_tls_verify = false;
  std::string ca_file, cert_file, key_file;  // "" when the context has no such file
  std::string meta_path;                     // the meta.json read
};

// Reads context `name` from the store under `config_dir`. Throws ConfigError when it does not
// exist or its meta.json is unreadable; `origin` says what chose it, for the message.
DockerContext read_docker_context(const std::string& config_dir, const ContextChoice& choice);

// Lowercase hex SHA-256 of the context name: the store's directory name.
std::string context_directory_name(const std::string& name);

}  // namespace ollama_stack::engine
