#include "ollama_stack/stack/home/webui_secret.hpp"

#include "ollama_stack/stack/home/env_defaults.hpp"
#include "ollama_stack/stack/home/env_file.hpp"
#include "ollama_stack/util/random_bytes.hpp"

namespace ollama_stack::stack {

std::string generate_webui_secret() { return util::to_hex(util::random_bytes(32)); }

SecretResult ensure_webui_secret(const std::filesystem::path& env_path) {
  EnvFile env = read_env_file(env_path);
  if (auto existing = env.get(kSecretKeyVariable); existing && !existing->empty()) {
    return {*existing, false};
  }
  SecretResult result{generate_webui_secret(), true};
  set_env_value(env_path, kSecretKeyVariable, result.value);
  return result;
}

std::string rotate_webui_secret(const std::filesystem::path& env_path) {
  read_env_file(env_path);  // refuse to edit a file that does not parse
  std::string secret = generate_webui_secret();
  set_env_value(env_path, kSecretKeyVariable, secret);
  return secret;
}

}  // namespace ollama_stack::stack
