// The checks that need no engine: pure evaluations of gathered facts, and the home's files.
#include "ollama_stack/stack/checks/checks.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/stack/home/env_defaults.hpp"
#include "ollama_stack/stack/home/env_file.hpp"
#include "ollama_stack/stack/home/state_file.hpp"
#include "ollama_stack/stack/mcp/mcp_config.hpp"
#include "ollama_stack/stack/migrate/migrate_home.hpp"
#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/json_text.hpp"

namespace ollama_stack::stack {
namespace {

constexpr const char* kFixHome = "run `ollama-stack check --fix` (or `ollama-stack install`) to create it";

CheckResult result(std::string id, std::string name, CheckStatus status, std::string message,
                   std::string fix = {}) {
  return {std::move(id), std::move(name), status, std::move(message), std::move(fix)};
}

std::string gib(uint64_t bytes) { return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1ULL << 30)); }

CheckResult check_env_file(const HomeLayout& home) {
  const std::string path = home.env_file().string();
  const char* id = "env_file";
  const char* name = ".env";
  try {
    auto env = read_env_file(home.env_file());
    if (!env.exists) return result(id, name, CheckStatus::fail, path + " does not exist", kFixHome);
    auto secret = env.get(kSecretKeyVariable);
    if (!secret || secret->empty()) {
      return result(id, name, CheckStatus::fail,
                    fmt::format("{} has no {}: Open WebUI would log every user out on each restart", path,
                                kSecretKeyVariable),
                    "run `ollama-stack check --fix` to generate one (it is then kept)");
    }
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
      return result(id, name, CheckStatus::warn,
                    fmt::format("{} holds {} and is readable by other users (mode {:04o})", path,
                                kSecretKeyVariable, info.st_mode & 07777),
                    "chmod 600 " + path);
    }
    return result(id, name, CheckStatus::pass, fmt::format("{} parses and has {}", path, kSecretKeyVariable));
  } catch (const Error& error) {
    return result(id, name, CheckStatus::fail, error.what(),
                  error.hint().empty() ? "fix the line named above" : error.hint());
  }
}

// Validates without load_state's side effect (a copy of a corrupt file): check only looks.
CheckResult check_state_file(const HomeLayout& home) {
  const std::string path = home.state_file().string();
  const char* id = "state_file";
  const char* name = "state file";
  try {
    auto text = util::read_file_if_exists(home.state_file());
    if (!text) return result(id, name, CheckStatus::pass, path + " not written yet (defaults apply)");
    const std::string hint = "fix the file, or move it aside to start from defaults (containers and volumes "
                             "are not affected)";
    state_from_json(util::parse_json_text(*text, path, hint), path, *text);
    return result(id, name, CheckStatus::pass, path + " is valid");
  } catch (const Error& error) {
    return result(id, name, CheckStatus::fail, error.what(), error.hint());
  }
}

CheckResult check_mcp_config(const HomeLayout& home) {
  const std::string path = home.mcp_config().string();
  const char* id = "mcp_config";
  const char* name = "MCP proxy config";
  try {
    auto config = read_mcp_config(home.mcp_config());
    if (!config) {
      return result(id, name, CheckStatus::fail, path + " does not exist (the MCP proxy's config)",
                    kFixHome);
    }
    if (config->at("mcpServers").empty()) {
      try {
        require_mcp_servers(config->at("mcpServers"), home.mcp_config());
      } catch (const Error& error) {
        return result(id, name, CheckStatus::fail, error.what(), error.hint());
      }
    }
    return result(id, name, CheckStatus::pass,
                  fmt::format("{} is valid ({} MCP server{})", path, config->at("mcpServers").size(),
                              config->at("mcpServers").size() == 1 ? "" : "s"));
  } catch (const Error& error) {
    return result(id, name, CheckStatus::fail, error.what(), error.hint().empty() ? "fix the JSON" : error.hint());
  }
}

}  // namespace

std::string to_string(CheckStatus status) {
  switch (status) {
    case CheckStatus::pass: return "pass";
    case CheckStatus::warn: return "warn";
    case CheckStatus::fail: return "fail";
    case CheckStatus::skip: return "skip";
  }
  return "fail";
}

bool CheckReport::ok() const {
  return engine_reachable && std::none_of(checks.begin(), checks.end(),
                                          [](const CheckResult& check) { return check.status == CheckStatus::fail; });
}

std::vector<const CheckResult*> CheckReport::failures() const {
  std::vector<const CheckResult*> failed;
  for (const auto& check : checks)
    if (check.status == CheckStatus::fail) failed.push_back(&check);
  return failed;
}

std::string endpoint_reason(const engine::Endpoint& endpoint) {
  if (endpoint.source == "--host") return "chosen by --host";
  if (endpoint.source == "DOCKER_HOST") return "chosen by DOCKER_HOST";
  if (endpoint.source == "context") {
    const bool by_env = endpoint.context_origin == "DOCKER_CONTEXT";
    return fmt::format("chosen by the Docker context \"{}\" ({})", endpoint.context,
                       by_env ? "DOCKER_CONTEXT" : "currentContext in " + endpoint.context_origin);
  }
  if (endpoint.source.empty() || endpoint.source == "default")
    return "the default socket: no --host, DOCKER_HOST or Docker context";
  return "chosen by " + endpoint.source;
}

CheckResult evaluate_endpoint(const engine::Endpoint& endpoint) {
  return result("endpoint", "engine endpoint", CheckStatus::pass,
                fmt::format("{}, {}", endpoint.url(), endpoint_reason(endpoint)));
}

CheckResult evaluate_remote_ports(const std::string& engine_url, const std::vector<PublishedPort>& ports) {
  const char* id = "remote_ports";
  const char* name = "remote engine ports";
  if (engine_is_local(engine_url))
    return result(id, name, CheckStatus::skip, "the engine is on this machine");
  std::string loopback;
  for (const auto& port : ports) {
    const bool local_only = port.host_ip == "127.0.0.1" || port.host_ip == "::1" || port.host_ip == "localhost" ||
                            port.host_ip.starts_with("127.");
    if (local_only) loopback += fmt::format("{}{}:{} ({})", loopback.empty() ? "" : ", ", port.host_ip, port.port,
                                            port.service);
  }
  const std::string host = engine::url_host_of(engine_url);
  if (loopback.empty())
    return result(id, name, CheckStatus::pass, fmt::format("ports are published on {} beyond its loopback", host));
  return result(id, name, CheckStatus::warn,
                fmt::format("the engine runs on {}, where {} listen only on its loopback: URLs and health probes "
                            "from this machine cannot reach them",
                            host, loopback),
                "set BIND_ADDRESS=0.0.0.0 (or the server's address) in the home's .env, or reach the ports through "
                "an ssh tunnel (ssh -L)");
}

CheckResult evaluate_remote_binds(const std::string& engine_url, const compose::Project& project) {
  const char* id = "remote_binds";
  const char* name = "remote engine mounts";
  if (engine_is_local(engine_url))
    return result(id, name, CheckStatus::skip, "the engine is on this machine");
  std::string binds;
  for (const auto& [service_name, service] : project.services)
    for (const auto& mount : service.volumes)
      if (mount.type == compose::Mount::Type::bind)
        binds += fmt::format("{}{} ({})", binds.empty() ? "" : ", ", mount.source, service_name);
  const std::string host = engine::url_host_of(engine_url);
  if (binds.empty())
    return result(
        id, name, CheckStatus::pass,
        fmt::format("no bind mount of this machine's paths: {} needs none of its files", host));
  return result(
      id, name, CheckStatus::warn,
      fmt::format("the engine runs on {}, which cannot see this machine's files, yet these bind "
                  "mounts name paths here: {}",
                  host, binds),
      "make sure those paths exist on the engine's host, or use volumes instead (the stack's own "
      "files reach the engine through its API)");
}

CheckResult evaluate_engine_api(const engine::VersionInfo& version, const std::string& negotiated) {
  const char* id = "engine_api";
  const char* name = "engine version";
  if (engine::compare_api_versions(version.api_version, engine::kMinApiVersion) < 0) {
    return result(id, name, CheckStatus::fail,
                  fmt::format("Docker {} speaks API {}, older than the {} this tool needs", version.version,
                              version.api_version, engine::kMinApiVersion),
                  "upgrade Docker to 20.10 or newer");
  }
  return result(id, name, CheckStatus::pass,
                fmt::format("Docker {}, API {} (needs {} or newer; using {})", version.version, version.api_version,
                            engine::kMinApiVersion, negotiated));
}

CheckResult evaluate_socket(const engine::Endpoint& endpoint, const std::optional<SocketAccess>& access) {
  const char* id = "socket";
  const char* name = "socket permissions";
  if (endpoint.kind == engine::Endpoint::Kind::ssh)
    return result(id, name, CheckStatus::skip, "engine reached over ssh; its socket is on the remote host");
  if (endpoint.kind != engine::Endpoint::Kind::unix_socket) {
    if (endpoint.tls) return result(id, name, CheckStatus::skip, "engine reached over TCP with TLS; no socket file");
    return result(id, name, CheckStatus::warn,
                  fmt::format("engine reached over plain TCP at {}: anyone who can reach that port controls Docker",
                              endpoint.url()),
                  "use the Unix socket, or TLS (DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH)");
  }
  const std::string& path = endpoint.socket_path;
  if (!access || !access->exists) {
    return result(id, name, CheckStatus::fail, path + " does not exist",
                  "start Docker (e.g. `sudo systemctl start docker`), or point --host / DOCKER_HOST at its socket");
  }
  if (!access->is_socket) {
    return result(id, name, CheckStatus::fail, path + " is not a socket",
                  "point --host / DOCKER_HOST at the Docker engine's socket");
  }
  if (!access->read_write) {
    return result(id, name, CheckStatus::fail, path + " is not readable and writable by this user",
                  "add your user to the docker group (`sudo usermod -aG docker $USER`) and log in again");
  }
  return result(id, name, CheckStatus::pass, path + " is readable and writable by this user");
}

CheckResult check_socket(const engine::Endpoint& endpoint) {
  std::optional<SocketAccess> access;
  struct stat info {};
  if (endpoint.kind == engine::Endpoint::Kind::unix_socket && ::stat(endpoint.socket_path.c_str(), &info) == 0) {
    access = SocketAccess{true, S_ISSOCK(info.st_mode), ::access(endpoint.socket_path.c_str(), R_OK | W_OK) == 0};
  }
  return evaluate_socket(endpoint, access);
}

CheckResult evaluate_disk_space(const std::string& path, std::optional<uint64_t> free_bytes) {
  const char* id = "disk";
  const char* name = "disk space";
  if (!free_bytes) {
    return result(id, name, CheckStatus::skip,
                  fmt::format("the engine's data directory {} is not visible from here", path.empty() ? "?" : path));
  }
  const std::string fix =
      "free space on that filesystem; `docker system prune` removes stopped containers, unused images and build "
      "cache (it keeps volumes)";
  const std::string message = fmt::format("{} free in {}", gib(*free_bytes), path);
  if (*free_bytes < kDiskFailBytes)
    return result(id, name, CheckStatus::fail, message + fmt::format(" (less than {})", gib(kDiskFailBytes)), fix);
  if (*free_bytes < kDiskWarnBytes)
    return result(id, name, CheckStatus::warn,
                  message + fmt::format(" (less than {}; models take several GiB each)", gib(kDiskWarnBytes)), fix);
  return result(id, name, CheckStatus::pass, message);
}

CheckResult check_disk_space(const std::string& docker_root_dir, bool engine_local) {
  std::optional<uint64_t> free_bytes;
  struct statvfs info {};
  if (engine_local && !docker_root_dir.empty() && ::statvfs(docker_root_dir.c_str(), &info) == 0) {
    free_bytes = static_cast<uint64_t>(info.f_bavail) * info.f_frsize;
  }
  return evaluate_disk_space(docker_root_dir, free_bytes);
}

CheckResult evaluate_native_ollama(Platform platform, std::optional<int> status, const std::string& error) {
  const char* id = "native_ollama";
  const char* name = "native Ollama";
  if (platform != Platform::apple) return result(id, name, CheckStatus::skip, "only used on the apple platform");
  const std::string fix = "start the Ollama app (`open -a Ollama`) or run `ollama serve`";
  if (!status) return result(id, name, CheckStatus::fail, "nothing answers on localhost:11434 (" + error + ")", fix);
  if (*status < 200 || *status >= 300)
    return result(id, name, CheckStatus::fail, fmt::format("localhost:11434/api/version answered {}", *status), fix);
  return result(id, name, CheckStatus::pass, "native Ollama answers on localhost:11434");
}

std::vector<CheckResult> check_home_files(const HomeLayout& home) {
  std::vector<CheckResult> results;
  struct stat info {};
  const std::string root = home.root.string();
  if (::stat(root.c_str(), &info) != 0) {
    results.push_back(result("home", "home directory", CheckStatus::fail, root + " does not exist", kFixHome));
  } else if (!S_ISDIR(info.st_mode)) {
    results.push_back(result("home", "home directory", CheckStatus::fail, root + " is not a directory",
                             "move it out of the way, then run `ollama-stack check --fix`"));
  } else {
    results.push_back(result("home", "home directory", CheckStatus::pass, root));
  }
  results.push_back(check_env_file(home));
  results.push_back(check_state_file(home));
  results.push_back(check_home_migration(home));
  results.push_back(check_mcp_config(home));
  return results;
}

}  // namespace ollama_stack::stack
