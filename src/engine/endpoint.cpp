#include "ollama_stack/engine/endpoint.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <sstream>

#include "ollama_stack/engine/docker_context.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::engine {
namespace {

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

struct HostPort {
  std::string name;
  std::optional<int> port;
};

// "name", "name:port", "[v6]", "[v6]:port"; `bad` builds the error to throw.
template <typename Bad>
HostPort split_host_port(std::string_view rest, const Bad& bad) {
  HostPort out;
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
  if (digits) {
    int port = 0;
    auto [ptr, ec] = std::from_chars(digits->data(), digits->data() + digits->size(), port);
    if (digits->empty() || ec != std::errc() || ptr != digits->data() + digits->size() ||
        port < 1 || port > 65535)
      throw bad("the port must be a number from 1 to 65535");
    out.port = port;
  }
  if (name.empty()) throw bad("the host name is missing");
  out.name = std::string(name);
  return out;
}

std::vector<std::string> split_words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

void apply_env_tls(Endpoint& endpoint, const EnvLookup& env) {
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

Endpoint from_context(const std::string& config_dir, const ContextChoice& choice) {
  const auto stored = read_docker_context(config_dir, choice);
  Endpoint endpoint = stored.host.empty() ? Endpoint{} : parse_host(stored.host);
  if (endpoint.kind == Endpoint::Kind::tcp &&
      (!stored.ca_file.empty() || !stored.cert_file.empty() || !stored.key_file.empty())) {
    endpoint.tls = true;
    endpoint.tls_verify = !stored.skip_tls_verify;
    endpoint.ca_file = stored.ca_file;
    endpoint.cert_file = stored.cert_file;
    endpoint.key_file = stored.key_file;
  }
  endpoint.source = "context";
  endpoint.context = choice.name;
  endpoint.context_origin = choice.origin;
  return endpoint;
}

}  // namespace

std::string Endpoint::url() const {
  switch (kind) {
    case Kind::unix_socket:
      return "unix://" + socket_path;
    case Kind::tcp:
      return fmt::format("tcp://{}:{}", bracketed(host), port);
    case Kind::ssh:
      return fmt::format("ssh://{}{}{}", ssh_user.empty() ? "" : ssh_user + "@", bracketed(host),
                         port == 0 ? "" : fmt::format(":{}", port));
  }
  return {};
}

std::string Endpoint::http_base() const {
  if (kind != Kind::tcp) return "http://localhost";  // ssh goes through a local socket
  return fmt::format("{}://{}:{}", tls ? "https" : "http", bracketed(host), port);
}

std::string Endpoint::describe_source() const {
  if (source == "context") return fmt::format("context \"{}\"", context);
  return source.empty() ? "default" : source;
}

Endpoint parse_host(std::string_view host) {
  Endpoint endpoint;
  auto bad = [&](std::string_view why) -> ConfigError {
    return ConfigError(
        fmt::format("engine host \"{}\" is not valid: {}", host, why),
        "use unix:///path/to/docker.sock, tcp://HOST:PORT or ssh://USER@HOST[:PORT]");
  };
  if (host.starts_with("unix://")) {
    endpoint.kind = Endpoint::Kind::unix_socket;
    endpoint.socket_path = std::string(host.substr(7));
    if (endpoint.socket_path.empty() || endpoint.socket_path[0] != '/')
      throw bad("the socket path must be absolute");
    return endpoint;
  }
  if (host.starts_with("ssh://")) {
    std::string_view rest = host.substr(6);
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    if (rest.find('/') != std::string_view::npos) throw bad("an ssh:// address takes no path");
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
      endpoint.ssh_user = std::string(rest.substr(0, at));
      if (endpoint.ssh_user.empty()) throw bad("the user name before '@' is empty");
      rest = rest.substr(at + 1);
    }
    auto parts = split_host_port(rest, bad);
    if (parts.name.starts_with('-')) throw bad("the host name must not start with '-'");
    endpoint.kind = Endpoint::Kind::ssh;
    endpoint.host = parts.name;
    endpoint.port = parts.port.value_or(0);
    return endpoint;
  }
  if (host.starts_with("npipe://") || host.starts_with("fd://"))
    throw bad("this scheme is not supported");
  std::string_view rest = host;
  if (host.starts_with("tcp://"))
    rest = host.substr(6);
  else if (host.starts_with("http://"))
    rest = host.substr(7);
  else if (host.starts_with("https://")) {
    rest = host.substr(8);
    endpoint.tls = true;
  } else if (host.find("://") != std::string_view::npos) {
    throw bad("unknown scheme");
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  auto parts = split_host_port(rest, bad);
  endpoint.kind = Endpoint::Kind::tcp;
  endpoint.host = parts.name;
  endpoint.port = parts.port.value_or(endpoint.tls ? 2376 : 2375);
  return endpoint;
}

std::string docker_config_dir(const EnvLookup& env) {
  if (auto dir = env("DOCKER_CONFIG"); dir && !dir->empty()) return *dir;
  if (auto home = env("HOME"); home && !home->empty()) return *home + "/.docker";
  return {};
}

Endpoint resolve_endpoint(const std::string& host_flag, const EnvLookup& env) {
  return resolve_endpoint(host_flag, env, docker_config_dir(env));
}

Endpoint resolve_endpoint(const std::string& host_flag, const EnvLookup& env,
                          const std::string& docker_config) {
  Endpoint endpoint;
  if (!host_flag.empty()) {
    endpoint = parse_host(host_flag);
    endpoint.source = "--host";
  } else if (auto docker_host = env("DOCKER_HOST"); docker_host && !docker_host->empty()) {
    endpoint = parse_host(*docker_host);
    endpoint.source = "DOCKER_HOST";
  } else if (auto choice =
                 current_docker_context(docker_config, env("DOCKER_CONTEXT").value_or(""))) {
    endpoint = from_context(docker_config, *choice);
  } else {
    endpoint.source = "default";
  }
  // The Docker CLI takes DOCKER_TLS_VERIFY / DOCKER_CERT_PATH with --host and DOCKER_HOST; a
  // context carries its own TLS material.
  if (endpoint.kind == Endpoint::Kind::tcp && endpoint.source != "context")
    apply_env_tls(endpoint, env);
  if (endpoint.kind == Endpoint::Kind::ssh) {
    if (auto command = env("OLLAMA_STACK_SSH_COMMAND"); command && !split_words(*command).empty())
      endpoint.ssh_command = split_words(*command);
  }
  return endpoint;
}

std::string url_host_of(std::string_view engine_url) {
  std::string_view rest;
  if (engine_url.starts_with("tcp://"))
    rest = engine_url.substr(6);
  else if (engine_url.starts_with("ssh://"))
    rest = engine_url.substr(6);
  else
    return "localhost";
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (rest.starts_with('[')) {
    auto close = rest.find(']');
    return std::string(rest.substr(0, close == std::string_view::npos ? rest.size() : close + 1));
  }
  if (auto colon = rest.rfind(':'); colon != std::string_view::npos) rest = rest.substr(0, colon);
  return rest.empty() ? "localhost" : std::string(rest);
}

}  // namespace ollama_stack::engine
