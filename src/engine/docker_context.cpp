#include "ollama_stack/engine/docker_context.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::engine {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string existing(const fs::path& path) {
  std::error_code ignored;
  return fs::is_regular_file(path, ignored) ? path.string() : std::string();
}

const char* kContextHint =
    "run `docker context ls` to see the contexts, or `docker context use default`";

}  // namespace

std::string context_directory_name(const std::string& name) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(name.data(), name.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::optional<ContextChoice> current_docker_context(const std::string& config_dir,
                                                    const std::string& docker_context_env) {
  ContextChoice choice;
  if (!docker_context_env.empty()) {
    choice = {docker_context_env, "DOCKER_CONTEXT"};
  } else {
    if (config_dir.empty()) return std::nullopt;
    const fs::path config = fs::path(config_dir) / "config.json";
    auto text = read_text(config);
    if (!text) return std::nullopt;
    nlohmann::json document;
    try {
      document = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::exception& error) {
      throw ConfigError(
          fmt::format("the Docker CLI configuration {} is not valid JSON: {}", config.string(),
                      error.what()),
          "fix or remove that file, or set DOCKER_HOST / --host to choose the engine yourself");
    }
    if (!document.is_object()) return std::nullopt;
    auto current = document.find("currentContext");
    if (current == document.end() || !current->is_string()) return std::nullopt;
    choice = {current->get<std::string>(), config.string()};
  }
  if (choice.name.empty() || choice.name == "default") return std::nullopt;
  return choice;
}

DockerContext read_docker_context(const std::string& config_dir, const ContextChoice& choice) {
  const std::string directory = context_directory_name(choice.name);
  const fs::path meta = fs::path(config_dir) / "contexts" / "meta" / directory / "meta.json";
  auto text = read_text(meta);
  if (!text) {
    throw ConfigError(
        fmt::format("Docker context \"{}\" (chosen by {}) does not exist: {} is missing",
                    choice.name, choice.origin, meta.string()),
        kContextHint);
  }
  DockerContext context;
  context.name = choice.name;
  context.meta_path = meta.string();
  try {
    const auto document = nlohmann::json::parse(*text);
    const auto& endpoints = document.at("Endpoints");
    if (auto docker = endpoints.find("docker"); docker != endpoints.end() && docker->is_object()) {
      if (auto host = docker->find("Host"); host != docker->end() && host->is_string())
        context.host = *host;
      if (auto skip = docker->find("SkipTLSVerify"); skip != docker->end() && skip->is_boolean())
        context.skip_tls_verify = *skip;
    }
  } catch (const nlohmann::json::exception& error) {
    throw ConfigError(fmt::format("Docker context \"{}\": {} cannot be read: {}", choice.name,
                                  meta.string(), error.what()),
                      kContextHint);
  }
  const fs::path tls = fs::path(config_dir) / "contexts" / "tls" / directory / "docker";
  context.ca_file = existing(tls / "ca.pem");
  context.cert_file = existing(tls / "cert.pem");
  context.key_file = existing(tls / "key.pem");
  return context;
}

}  // namespace ollama_stack::engine
