#pragma once
// The recorded backends at work, each on its own engine, all at once: start (apply + health),
// stop, status, and Open WebUI's list of them. A backend whose engine cannot be reached never
// blocks the others: its outcome says so and the verb reports it (exit 4).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/stack/backends/backends.hpp"
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

// A backend's engine, connected (nothing is sent until the first call).
struct BackendConnection {
  BackendRecord record;
  engine::Endpoint endpoint;
  std::unique_ptr<engine::Client> client;
  // A session on that engine with the core's home and variables: its platform is that engine's.
  std::unique_ptr<Session> session;
};
BackendConnection connect_backend(const BackendRecord& backend, const SessionOptions& core);

struct BackendOutcome {
  std::string name;
  std::string engine;     // backend_engine_text
  std::string webui_url;  // as Open WebUI reaches it
  // "healthy", "stopped", "not created", "unreachable" (its engine), "unhealthy", "failed"
  std::string state;
  std::string message;   // why, when not healthy/stopped
  std::string platform;  // decided from its engine ("" when unknown)
  bool changed = false;
  bool ok() const { return state == "healthy" || state == "stopped" || state == "not created"; }
};

struct BackendStartOptions {
  bool wait = true;
  std::chrono::seconds timeout{600};
  bool update = false;
  ProgressCallback progress;  // task ids "backend:<name>:…", labels "<name>/…"
  std::function<bool()> cancelled;
};

// Starts every backend in parallel; Interrupted (after each undid its own) when cancelled.
std::vector<BackendOutcome> start_backends(const SessionOptions& core,
                                           const std::string& core_project,
                                           const std::vector<BackendRecord>& backends,
                                           const BackendStartOptions& options);
// Stops (removes the containers of) every backend in parallel; volumes stay.
std::vector<BackendOutcome> stop_backends(const SessionOptions& core,
                                          const std::string& core_project,
                                          const std::vector<BackendRecord>& backends,
                                          const ProgressCallback& progress);

// Records the healthy backends' URLs as Open WebUI's list; true when it changed (the core must be
// applied again, which recreates only Open WebUI).
bool record_webui_backends(const HomeLayout& home, const std::vector<BackendOutcome>& outcomes);

struct BackendRemoval {
  BackendRecord record;
  std::string webui_url;
  compose::DownResult removed;  // on its engine
  std::string unreachable;      // why its engine could not be reached ("" when it was)
  bool webui_changed = false;   // its URL left Open WebUI's recorded list
};
// `backends rm`: removes its containers (and volume when asked) on its engine, forgets it and
// takes its URL out of Open WebUI's recorded list. An unreachable engine does not keep it: the
// result says what is left there. Throws Error(usage) when no backend has that name.
BackendRemoval remove_backend(Session& core, const std::string& name, bool remove_volumes,
                              const ProgressCallback& progress);
// Whether the core's Open WebUI container runs (so a changed list must be applied now).
bool webui_running(Session& core);

struct BackendStatus {
  std::string name;
  std::string engine;
  std::string webui_url;
  std::string client_url;  // where this machine reaches it
  bool reachable = false;  // its engine answered
  std::string state;       // container state, "not created" or "engine unreachable"
  std::string health;      // "healthy", "starting", "unhealthy", "stopped", "unknown"
  std::string reason;
  std::string gpus;                 // as recorded: "", "all", "0,1"
  std::vector<std::string> loaded;  // models in memory (/api/ps), when it answers
  std::vector<std::string> models;  // models it holds (/api/tags), when it answers
  bool in_webui = false;            // its URL is in Open WebUI's recorded list
  bool healthy() const { return health == "healthy"; }
};

// Every recorded backend's state, read in parallel.
std::vector<BackendStatus> backends_status(const SessionOptions& core,
                                           const std::string& core_project,
                                           const std::vector<BackendRecord>& backends);

}  // namespace ollama_stack::stack
