#pragma once
// The ollama-stack home (`~/.ollama-stack` unless --home / OLLAMA_STACK_HOME say otherwise; the
// CLI resolves it) and what lives in it. ensure_home creates what is missing and reports it.
#include <filesystem>
#include <string>
#include <vector>

namespace ollama_stack::stack {

struct HomeLayout {
  std::filesystem::path root;

  std::filesystem::path env_file() const { return root / ".env"; }
  std::filesystem::path state_file() const { return root / ".ollama-stack.json"; }
  std::filesystem::path lock_file() const { return root / "lock"; }
  std::filesystem::path mcp_dir() const { return root / "mcp"; }
  std::filesystem::path mcp_config() const { return mcp_dir() / "config.json"; }
  std::filesystem::path extensions_dir() const { return root / "extensions"; }
  std::filesystem::path compose_dir() const { return root / "compose"; }
  // The user's own override, applied after the stack's compose files when it exists.
  std::filesystem::path compose_override() const {
    return compose_dir() / "docker-compose.override.yml";
  }
};

struct EnsureHomeOptions {
  // Rewrite existing files with their defaults (a corrupt state file too, after keeping a copy
  // aside). WEBUI_SECRET_KEY is kept even then.
  bool force = false;
};

struct EnsureHomeResult {
  std::vector<std::filesystem::path> created;   // directories and files that did not exist
  std::vector<std::filesystem::path> replaced;  // existing files rewritten (force)
  std::vector<std::filesystem::path> kept;      // existing files left as they were
  bool secret_generated = false;                // a new WEBUI_SECRET_KEY was written
  std::vector<std::string> warnings;            // e.g. ".env is readable by other users"
};

// Creates the home and what is missing in it: directories (mode 0700) home, mcp/, extensions/,
// compose/; files .env (0600, documented defaults and a new secret), mcp/config.json (the core
// tools) and .ollama-stack.json (defaults). An existing .env without a secret gets one, and
// nothing else in it changes. Throws Error(failed) when it cannot create something, and
// ConfigError when an existing .env does not parse (with force too: the secret must survive).
EnsureHomeResult ensure_home(const std::filesystem::path& home,
                             const EnsureHomeOptions& options = {});

}  // namespace ollama_stack::stack
