#pragma once
// Where the Docker Engine is and how to reach it, following the Docker CLI's own rules:
// --host, then DOCKER_HOST, then the Docker context (DOCKER_CONTEXT, else the "currentContext" of
// the CLI's config.json) read from the CLI's context store, then the default Unix socket.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ollama_stack::engine {

struct Endpoint {
  enum class Kind { unix_socket, tcp, ssh };
  Kind kind = Kind::unix_socket;
  std::string socket_path = "/var/run/docker.sock";  // unix_socket
  std::string host;                                  // tcp, ssh
  int port = 0;                                      // tcp; ssh (0 = the ssh client's default)
  std::string ssh_user;                              // ssh ("" = the ssh client's default)
  // ssh: the client program and its first arguments ("ssh"; OLLAMA_STACK_SSH_COMMAND replaces it).
  std::vector<std::string> ssh_command{"ssh"};
  bool tls = false;         // tcp: https
  bool tls_verify = false;  // verify the server's certificate against ca_file
  std::string ca_file, cert_file, key_file;
  // Why this endpoint: "--host", "DOCKER_HOST", "context" or "default".
  std::string source = "default";
  std::string context;         // source == "context": the Docker context's name
  std::string context_origin;  // ... and what chose it: "DOCKER_CONTEXT" or the config.json path

  // "unix:///var/run/docker.sock", "tcp://host:port" or "ssh://user@host:port".
  std::string url() const;
  // Base URL for HTTP requests: "http://localhost" or "https://host:port".
  std::string http_base() const;
  // For people: "--host", "DOCKER_HOST", "context \"remote\"", "default".
  std::string describe_source() const;
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// The Docker CLI's configuration directory: $DOCKER_CONFIG, else $HOME/.docker ("" when neither).
std::string docker_config_dir(const EnvLookup& env);

// Resolves the endpoint from the --host flag (may be empty), the environment (DOCKER_HOST,
// DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_CONTEXT, OLLAMA_STACK_SSH_COMMAND, HOME) and the
// Docker CLI's config directory (config.json and contexts/). Reads only files under that directory.
// Throws ConfigError on a malformed host string or a context that does not exist or cannot be read.
Endpoint resolve_endpoint(const std::string& host_flag, const EnvLookup& env, const std::string& docker_config);
// The same with docker_config_dir(env).
Endpoint resolve_endpoint(const std::string& host_flag, const EnvLookup& env);

// Parses "unix:///path", "tcp://host:port", "host:port", "ssh://[user@]host[:port]" into an
// endpoint (no TLS settings).
Endpoint parse_host(std::string_view host);

// The host name a browser should use for ports published by the engine at `engine_url`
// (an Endpoint::url()): the remote host for tcp:// and ssh://, else "localhost".
std::string url_host_of(std::string_view engine_url);

}  // namespace ollama_stack::engine
