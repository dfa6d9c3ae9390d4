#pragma once
// `check`: everything that must be right for the stack to run, each check a result (pass, warn,
// fail, skip) with a message and, when something is wrong, the fix. Nothing here prints; the CLI
// renders the report. The evaluate_* functions are pure (facts in, result out); the check_*
// functions gather their facts from the home, /proc, the engine; run_checks runs them all and
// never stops at the first failure.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/engine/endpoint.hpp"
#include "ollama_stack/engine/types.hpp"
#include "ollama_stack/stack/checks/port_conflicts.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/platform.hpp"
#include "ollama_stack/stack/home/session.hpp"

namespace ollama_stack::stack {

enum class CheckStatus { pass, warn, fail, skip };
std::string to_string(CheckStatus status);  // "pass", "warn", "fail", "skip"

struct CheckResult {
  std::string id;    // stable, for scripts: "engine", "env_file", "port.webui", ...
  std::string name;  // for people: "Docker engine", "port 8080 (webui)"
  CheckStatus status = CheckStatus::pass;
  std::string message;
  std::string fix;  // what to do; set for fail and warn
};

struct CheckReport {
  std::vector<CheckResult> checks;
  std::vector<std::string> fixed;         // what --fix repaired, one sentence each
  std::vector<std::string> fix_failures;  // what --fix could not repair
  bool engine_reachable = true;
  std::string engine_error;  // why not, when unreachable
  std::string engine_hint;
  PlatformDecision platform;     // as `start` would choose it
  PlatformFacts platform_facts;  // what it was chosen from

  // Every required check passed (warnings and skips do not fail).
  bool ok() const;
  std::vector<const CheckResult*> failures() const;
};

struct CheckOptions {
  bool fix = false;
  std::function<bool()> cancelled;  // --fix's GPU restart waits: Interrupted when it says so
};

// Runs every check against the session's home and engine. Never throws for what a check finds;
// the engine being unreachable is one failed check (and engine_reachable = false), and the checks
// that need the engine are skipped.
CheckReport run_checks(Session& session, const engine::Endpoint& endpoint, const CheckOptions& options);

// --fix: creates the home and its missing files, generates a missing secret (ensure_home).
void apply_safe_fixes(const HomeLayout& home, CheckReport& report);

// ---- the checks, one by one ----

// "--host", "DOCKER_HOST", "context", "default" -> "chosen by --host", ...
std::string endpoint_reason(const engine::Endpoint& endpoint);
// The "engine endpoint" line: which endpoint is in use and why (always passes).
CheckResult evaluate_endpoint(const engine::Endpoint& endpoint);

// A remote engine (tcp:// or ssh:// to another host) publishes the stack's ports on that host:
// bound to its loopback they cannot be reached from here (URLs, health probes). Passes for a
// local engine.
CheckResult evaluate_remote_ports(const std::string& engine_url, const std::vector<PublishedPort>& ports);

CheckResult evaluate_engine_api(const engine::VersionInfo& version, const std::string& negotiated);

struct SocketAccess {
  bool exists = false;
  bool is_socket = false;
  bool read_write = false;  // access(R_OK | W_OK) succeeded
};
CheckResult evaluate_socket(const engine::Endpoint& endpoint, const std::optional<SocketAccess>& access);
CheckResult check_socket(const engine::Endpoint& endpoint);

// Disk space where the engine keeps volumes. free_bytes nullopt = the path is not visible here.
inline constexpr uint64_t kDiskWarnBytes = 10ULL << 30;
inline constexpr uint64_t kDiskFailBytes = 2ULL << 30;
CheckResult evaluate_disk_space(const std::string& path, std::optional<uint64_t> free_bytes);
CheckResult check_disk_space(const std::string& docker_root_dir, bool engine_local);

// The platform in use, how it was chosen and from which facts; warns with the decision's warning.
CheckResult evaluate_platform(const PlatformDecision& decision);
// NVIDIA: the driver and the engine's way to GPUs, on the engine's host (check_platform.cpp).
CheckResult evaluate_nvidia(const PlatformFacts& facts, const PlatformDecision& decision);
// AMD: /dev/kfd, /dev/dri and the render group on the engine's host. `render_gid`: the id the
// stack adds (RENDER_GID, else the one found here).
CheckResult evaluate_amd(const PlatformFacts& facts, const PlatformDecision& decision,
                         std::optional<unsigned> render_gid);

// The native Ollama app on macOS: `status` is what GET /api/version answered (nullopt = nothing).
CheckResult evaluate_native_ollama(Platform platform, std::optional<int> status, const std::string& error);

std::vector<CheckResult> check_home_files(const HomeLayout& home);

// One result per published port; `assessed` nullopt = could not be assessed (`why`).
CheckResult evaluate_port(const PublishedPort& port, const std::optional<PortAssessment>& assessed,
                          const std::string& why = {});
std::string port_check_id(const PublishedPort& port, int index_in_service);

// WebUI -> Ollama from inside the stack's network: the commands tried in order (stand-in image,
// curl, python3), and what an exec result means.
std::vector<std::vector<std::string>> reachability_probes(const std::string& url);
enum class ProbeOutcome { reached, failed, missing };  // missing: the command does not exist
ProbeOutcome classify_probe(const engine::ExecResult& result);
CheckResult check_webui_reaches_ollama(engine::Client& engine, const std::string& project_name);
// Each tool-server connection Open WebUI uses answers its OpenAPI document from inside the webui
// container (exec of curl, else python3); warns when a server of `mcp_config` is missing from it.
CheckResult check_webui_tool_servers(engine::Client& engine, const std::string& project_name,
                                     const std::optional<nlohmann::json>& mcp_config);

// The GPU watchdog (gpu_status.hpp) on the running Ollama: skip when no Ollama container was given
// NVIDIA GPUs, fail with cause and fix when one lost them or runs a model on the CPU. With `fix`,
// the affected containers are restarted and probed again first (check_gpu.cpp).
struct GpuWatch;
CheckResult evaluate_gpu_watch(const GpuWatch& watch, Platform platform);
CheckResult check_ollama_gpu(Session& session, const std::string& project, Platform platform,
                             const CheckOptions& options, CheckReport& report);

// A remote engine cannot see this machine's files: every bind mount whose source is a path here
// is a warning (the user's own mounts are kept as written). Passes for a local engine.
CheckResult evaluate_remote_binds(const std::string& engine_url, const compose::Project& project);

}  // namespace ollama_stack::stack
