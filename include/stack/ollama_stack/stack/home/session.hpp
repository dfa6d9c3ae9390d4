#pragma once
// What every stack verb starts from: the home, the variables, the platform and (on demand) the
// loaded compose project, bound to one engine client.
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/compose/interpolate.hpp"
#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/platform.hpp"
#include "ollama_stack/stack/home/stack_project.hpp"

namespace ollama_stack::stack {

struct SessionOptions {
  std::string home;         // resolved by the CLI
  std::string compose_dir;  // "" = the embedded files
  std::string platform = "auto";
  compose::VariableLookup env;  // the process environment
};

class Session {
 public:
  Session(engine::Client& engine, SessionOptions options);

  engine::Client& engine() { return engine_; }
  const HomeLayout& home() const { return home_; }
  const SessionOptions& options() const { return options_; }

  // What the platform is decided from, gathered once; without `engine` when /info failed.
  const PlatformFacts& platform_facts();
  // The platform: --platform when given, else detected; either way from the engine's /info
  // (platform.hpp). A named platform does without the engine when it cannot be reached.
  const PlatformDecision& platform();
  // Uses `decision` as it is (status: what the last start chose), without asking the engine.
  void use_platform(PlatformDecision decision);
  // The compose project for the platform, loaded on first use (reads <home>/.env).
  const StackProject& project();
  // Forgets the loaded project, so the next project() reads the files again (after the CLI
  // rewrote <home>/mcp/config.json, which Open WebUI's tool servers are derived from).
  void reload_project() { project_.reset(); }
  // PROJECT_NAME (environment > .env > "ollama-stack") without loading the compose files.
  std::string project_name();
  // The stack's variables: process environment > <home>/.env (read now).
  compose::VariableLookup variables() const;
  // Host name for URLs of published ports: the engine's host for tcp:// and ssh://, else "localhost".
  std::string url_host();

 private:
  engine::Client& engine_;
  SessionOptions options_;
  HomeLayout home_;
  std::optional<PlatformFacts> facts_;
  std::exception_ptr engine_error_;  // why /info failed
  std::optional<PlatformDecision> platform_;
  std::optional<StackProject> project_;
};

}  // namespace ollama_stack::stack
