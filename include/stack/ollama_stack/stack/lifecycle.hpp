#pragma once
// The stack's lifecycle: start (apply + wait for health), stop, and the lock that serialises
// verbs changing the stack. Reports progress through callbacks; never prints.
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/stack/health.hpp"
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/util/file_lock.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

// Takes <home>/lock for `verb`, waiting up to `timeout`; `on_wait` is called once when another
// ollama-stack holds it. Creates the home directory (mode 0700, nothing in it) when it is missing;
// verbs write the home's files only once they hold the lock.
util::FileLock lock_stack(const HomeLayout& home, std::string_view verb, std::chrono::milliseconds timeout,
                          const util::FileLock::OnWait& on_wait);

// The labels every core resource carries besides compose's: installation and component "core".
std::map<std::string, std::string> core_labels(const std::string& project_name);

struct ServiceUrl {
  std::string service;
  std::string title;  // "Open WebUI"
  std::string url;    // "http://localhost:8080"
};

// Browsable URLs of the project's published services (from their labels and ports).
std::vector<ServiceUrl> service_urls(engine::Client& client, const std::string& project_name, const std::string& host);

struct StartOptions {
  bool wait = true;                        // wait until every service is healthy
  std::chrono::seconds timeout{600};       // for health
  bool update = false;                     // pull every image first
  ProgressCallback progress;
  std::function<bool()> cancelled;
  // Host ports held by something other than this stack; empty = none. Called before anything is
  // created; may throw to refuse the start.
  std::function<void(const compose::Project&)> preflight;
  // service -> image reference to run instead of the compose files' (update keeps a service whose
  // pull failed on the image its container runs).
  std::map<std::string, std::string> image_overrides;
};

struct StartResult {
  bool changed = false;           // false: already running and unchanged
  compose::ApplyResult applied;
  std::vector<ServiceUrl> urls;
  std::vector<std::string> warnings;  // platform, unset variables…
  Platform platform = Platform::cpu;
};

// Applies the stack and waits for health. Throws Error(unhealthy) naming the service, why, and
// its last log lines; Interrupted after undoing what this run created.
StartResult start_stack(Session& session, const StartOptions& options);

struct HealthWaitOptions {
  std::chrono::seconds timeout{600};
  ProgressCallback progress;
  std::function<bool()> cancelled;
};

// Waits until every container of `project_name` is healthy (Docker's healthcheck and the HTTP
// probe its labels declare). Each waiting service is reported (running) with why it is not
// healthy yet and its latest log line, whenever that changes; Docker's "unhealthy" never ends the
// wait (a slow first start fails its healthcheck long before it answers). Throws Error(unhealthy)
// naming the first service that stopped or did not make it in time, what it was doing and how to
// give it more time; Interrupted when cancelled.
void wait_project_healthy(engine::Client& client, const std::string& project_name, const std::string& url_host,
                          const HealthWaitOptions& options);

// After Ctrl-C in the health wait that followed `applied`: removes `project` only when this run
// created all of it. One that existed is never taken down, since its old containers may already
// be replaced (recreate, --update): the new ones stay and the message names them. Always throws
// Interrupted saying which; `what` names the project to the user ("the stack", "extension x").
[[noreturn]] void leave_interrupted_wait(engine::Client& client, const std::string& project,
                                         const compose::ApplyResult& applied,
                                         const std::string& what);

struct StopOptions {
  int timeout_seconds = -1;  // -1: each service's stop_grace_period
  ProgressCallback progress;
};

struct StopResult {
  bool was_running = false;  // false: nothing of the stack existed
  compose::DownResult removed;
};

StopResult stop_stack(Session& session, const StopOptions& options);

// A log line fit for one line of progress: control bytes blanked, at most 160 bytes (pure).
std::string trim_log_line(std::string_view line);
// What a waiting service is doing: its health reason, then " | log: <latest log line>" (pure).
std::string waiting_message(const HealthReport& health, const std::string& log_line);

// The last `lines` log lines of a container, for failure reports.
std::vector<std::string> last_log_lines(engine::Client& client, const std::string& container_id, int lines);

}  // namespace ollama_stack::stack
