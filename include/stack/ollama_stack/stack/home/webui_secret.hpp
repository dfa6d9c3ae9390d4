#pragma once
// WEBUI_SECRET_KEY: generated from the kernel's cryptographic source the first time it is
// needed, then never changed unless the user asks (a new key logs every Open WebUI user out).
#include <filesystem>
#include <string>

namespace ollama_stack::stack {

// 32 random bytes as 64 lower-case hex characters.
std::string generate_webui_secret();

struct SecretResult {
  std::string value;
  bool generated = false;  // true: the file did not have one and now does
};

// The secret in the .env at `env_path`; when missing or empty, a new one is generated and set
// (the file is created when missing; every other line is kept).
SecretResult ensure_webui_secret(const std::filesystem::path& env_path);

// Replaces the secret with a new one and returns it. Only for an explicit user request.
std::string rotate_webui_secret(const std::filesystem::path& env_path);

}  // namespace ollama_stack::stack
