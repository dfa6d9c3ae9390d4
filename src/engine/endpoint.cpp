#include "ollama_stack/engine/endpoint.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::engine {

std::string Endpoint::url() const {
  if (kind == Kind::unix_socket) return "unix://" + socket_path;
  return fmt::format("tcp://{}:{}", host, port);
}

std::string Endpoint::http_base() const {
  if (kind == Kind::unix_socket) return "http://localhost";
  return fmt::format("{}://{}:{}", tls ? "https" : "http", host, port);
}

Endpoint parse_host(std::string_view host) {
  Endpoint endpoint;
  auto bad = [&](std::string_view why) -> ConfigError {
    return ConfigError(fmt::format("engine host \"{}\" is not valid: {}", host, why),
                       "use unix:///path/to/docker.sock or tcp://HOST:PORT");
  };
  if (host.starts_with("unix://")) {
    endpoint.kind = Endpoint::Kind::unix_socket;
    endpoint.socket_path = std::string(host.substr(7));
    if (endpoint.socket_path.empty() || endpoint.socket_path[0] != '/')
      throw bad("the socket path must be absolute");
    return endpoint;
  }
  if (host.starts_with("ssh://") || host.starts_with("npipe://") || host.starts_with("fd://"))
    throw bad("this scheme is not supported yet");
  std::string_view rest = host;
  if (host.starts_with("tcp://")) rest = host.substr(6);
  else if (host.starts_with("http://")) rest = host.substr(7);
  else if (host.starts_with("https://")) {
    rest = host.substr(8);
    endpoint.tls = true;
  } else if (host.find("://") != std::string_view::npos) {
    throw bad("unknown scheme");
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  // "[::1]:2375" keeps its brackets out of the host name; "host:port" splits at the last colon.
  std::string_view name = rest;
  std::optional<std::string_view> digits;
  if (rest.starts_with('[')) {
    auto close = rest.find(']');
    if (close == std::string_view::npos) throw bad("missing ']'");
    name = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') throw bad("expected ':' after ']'");
      digits = rest.substr(close + 2);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    name = rest.substr(0, colon);
    digits = rest.substr(colon + 1);
  }
  int port = endpoint.tls ? 2376 : 2375;
  if (digits) {
    auto [ptr, ec] = std::from_chars(digits->data(), digits->data() + digits->size(), port);
    if (digits->empty() || ec != std::errc() || ptr != digits->data() + digits->size() ||
        port < 1 || port > 65535)
      throw bad("the port must be a number from 1 to 65535");
  }
  if (name.empty()) throw bad("the host name is missing");
  endpoint.kind = Endpoint::Kind::tcp;
  endpoint.host = std::string(name);
  endpoint.port = port;
  return endpoint;
}

Endpoint resolve_endpoint(const std::string& host_flag, const EnvLookup& env) {
  Endpoint endpoint;
  if (!host_flag.empty()) {
    endpoint = parse_host(host_flag);
    endpoint.source = "--host";
  } else if (auto docker_host = env("DOCKER_HOST"); docker_host && !docker_host->empty()) {
    endpoint = parse_host(*docker_host);
    endpoint.source = "DOCKER_HOST";
  } else {
    endpoint.source = "default";
  }
  if (endpoint.kind == Endpoint::Kind::tcp) {
    auto verify = env("DOCKER_TLS_VERIFY");
    bool tls_verify = verify && !verify->empty() && *verify != "0" && *verify != "false";
    auto cert_path = env("DOCKER_CERT_PATH");
    std::string dir;
    if (cert_path && !cert_path->empty()) {
      dir = *cert_path;
    } else if (auto home = env("HOME"); home && !home->empty()) {
      dir = *home + "/.docker";
    }
    if (tls_verify || (cert_path && !cert_path->empty())) {
      endpoint.tls = true;
      endpoint.tls_verify = tls_verify;
      endpoint.ca_file = dir + "/ca.pem";
      endpoint.cert_file = dir + "/cert.pem";
      endpoint.key_file = dir + "/key.pem";
    }
  }
  return endpoint;
}

}  // namespace ollama_stack::engine
