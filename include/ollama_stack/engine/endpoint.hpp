#pragma once
// Where the Docker Engine is and how to reach it, following Docker's own rules:
// --host, then DOCKER_HOST, then the default Unix socket.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ollama_stack::engine {

struct Endpoint {
  enum class Kind { unix_socket, tcp };
  Kind kind = Kind::unix_socket;
  std::string socket_path = "/var/run/docker.sock";  // unix_socket
  std::string host;                                  // tcp
  int port = 0;                                      // tcp
  bool tls = false;                                  // tcp: https
  bool tls_verify = false;  // verify the server's certificate against ca_file
  std::string ca_file, cert_file, key_file;
  std::string source;  // why this endpoint: "--host", "DOCKER_HOST", "default"

  // "unix:///var/run/docker.sock" or "tcp://host:port".
  std::string url() const;
  // Base URL for HTTP requests: "http://localhost" or "https://host:port".
  std::string http_base() const;
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// Resolves the endpoint from the --host flag (may be empty) and the environment
// (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, HOME). Throws ConfigError on a malformed
// host string.
Endpoint resolve_endpoint(const std::string& host_flag, const EnvLookup& env);

// Parses "unix:///path", "tcp://host:port", "host:port" into an endpoint (no TLS settings).
Endpoint parse_host(std::string_view host);

}  // namespace ollama_stack::engine
