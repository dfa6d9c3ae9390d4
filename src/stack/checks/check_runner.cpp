// run_checks: every check in a fixed order, each one isolated so one failure (or an exception)
// never hides the others; the checks that need the engine are skipped when it cannot be reached.
#include <fmt/format.h>

#include <chrono>
#include <functional>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/checks/check_backends.hpp"
#include "ollama_stack/stack/checks/checks.hpp"
#include "ollama_stack/stack/health.hpp"
#include "ollama_stack/stack/home/platform_project.hpp"
#include "ollama_stack/stack/home/stack_project.hpp"
#include "ollama_stack/stack/mcp/mcp_config.hpp"
#include "ollama_stack/util/file_lock.hpp"

namespace ollama_stack::stack {
namespace {

constexpr const char* kNoEngine = "skipped: the engine cannot be reached";

// Runs `check`; an Error it throws becomes a failed result with the error's sentence and hint.
void guarded(std::vector<CheckResult>& out, const std::string& id, const std::string& name,
             const std::function<void()>& check) {
  try {
    check();
  } catch (const Error& error) {
    out.push_back({id, name, CheckStatus::fail, error.what(), error.hint()});
  } catch (const std::exception& error) {
    out.push_back({id, name, CheckStatus::fail, fmt::format("check failed unexpectedly: {}", error.what()),
                   "run again with --verbose and report this as a bug"});
  }
}

CheckResult check_engine(engine::Client& engine, const engine::Endpoint& endpoint, CheckReport& report) {
  const std::string where = fmt::format("{} ({})", endpoint.url(), endpoint_reason(endpoint));
  try {
    const auto ping = engine.ping();
    return {"engine", "Docker engine", CheckStatus::pass,
            fmt::format("{} answers at {}", ping.server.empty() ? "the engine" : ping.server, where), ""};
  } catch (const engine::EngineError& error) {
    report.engine_reachable = false;
    report.engine_error = error.what();
    report.engine_hint = error.hint();
    return {"engine", "Docker engine", CheckStatus::fail, fmt::format("{} [endpoint: {}]", error.what(), where),
            error.hint()};
  }
}

CheckResult check_engine_api(engine::Client& engine) {
  try {
    const auto version = engine.version();
    return evaluate_engine_api(version, engine.api_version());
  } catch (const engine::EngineError& error) {
    return {"engine_api", "engine version", CheckStatus::fail, error.what(), error.hint()};
  }
}

// The compose project as `start` would load it; nullopt (and a failed result) when it cannot load.
std::optional<compose::Project> check_compose(Session& session, const PlatformDecision& platform,
                                              std::vector<CheckResult>& out) {
  const char* id = "compose";
  const char* name = "compose files";
  try {
    const auto& options = session.options();
    StackProject loaded =
        load_stack_project(session.home(), options.env, platform, options.compose_dir);
    std::string services;
    for (const auto& [service, unused] : loaded.project.services) services += (services.empty() ? "" : ", ") + service;
    std::string message = fmt::format("project {} for {}: {}", loaded.project.name, to_string(loaded.platform), services);
    if (!loaded.warnings.empty()) {
      out.push_back({id, name, CheckStatus::warn, message + "; " + loaded.warnings.front(),
                     "see the warning; unset variables are replaced by \"\""});
    } else {
      out.push_back({id, name, CheckStatus::pass, message, ""});
    }
    return std::move(loaded.project);
  } catch (const Error& error) {
    out.push_back({id, name, CheckStatus::fail, error.what(),
                   error.hint().empty() ? "fix the file and line named above" : error.hint()});
    return std::nullopt;
  }
}

void check_ports(engine::Client& engine, const std::optional<compose::Project>& project, bool engine_reachable,
                 std::vector<CheckResult>& out) {
  if (!project) {
    out.push_back({"ports", "ports", CheckStatus::skip, "skipped: the compose files did not load", ""});
    return;
  }
  std::map<std::string, int> per_service;
  auto add = [&](CheckResult checked, const PublishedPort& port) {
    checked.id = port_check_id(port, per_service[port.service]++);
    out.push_back(std::move(checked));
  };
  if (!engine_reachable) {
    for (const auto& port : published_ports(*project)) add(evaluate_port(port, std::nullopt, kNoEngine), port);
    return;
  }
  for (const auto& assessed : assess_ports(engine, *project)) add(evaluate_port(assessed.port, assessed), assessed.port);
}

}  // namespace

std::string port_check_id(const PublishedPort& port, int index_in_service) {
  return index_in_service == 0 ? "port." + port.service : fmt::format("port.{}.{}", port.service, index_in_service);
}

CheckResult evaluate_port(const PublishedPort& port, const std::optional<PortAssessment>& assessed,
                          const std::string& why) {
  CheckResult checked{port_check_id(port, 0), fmt::format("port {} ({})", port.port, port.service),
                      CheckStatus::pass, "", ""};
  const std::string where = fmt::format("{}:{}", port.host_ip.empty() ? "0.0.0.0" : port.host_ip, port.port);
  if (!assessed) {
    checked.status = CheckStatus::skip;
    checked.message = why;
  } else if (assessed->state == PortState::free) {
    checked.message = where + " is free";
  } else if (assessed->state == PortState::ours) {
    checked.message = where + " is held by this stack";
  } else {
    checked.status = CheckStatus::fail;
    checked.message = fmt::format("port {} ({}) is already in use by {}", port.port, where, assessed->owner);
    checked.fix = fmt::format("stop what holds port {}, or set another port in .env ({}_PORT=...)", port.port,
                              port.service == "mcp_proxy" ? "MCP_PROXY" : port.service == "webui" ? "WEBUI" : "OLLAMA");
  }
  return checked;
}

void apply_safe_fixes(const HomeLayout& home, CheckReport& report) {
  try {
    // The home is written only under the stack lock, and a check does not wait for it.
    util::FileLock lock(home.lock_file(), /*create_directory=*/true);
    if (!lock.try_acquire("check --fix")) {
      const auto holder = util::FileLock::read_holder(home.lock_file()).describe();
      report.fix_failures.push_back(fmt::format(
          "nothing was fixed: another ollama-stack{} is changing {}; run `ollama-stack check --fix` again once it is done",
          holder.empty() ? "" : " (" + holder + ")", home.root.string()));
      return;
    }
    const auto done = ensure_home(home.root);
    for (const auto& path : done.created) report.fixed.push_back("created " + path.string());
    if (done.secret_generated) report.fixed.push_back("generated WEBUI_SECRET_KEY in " + home.env_file().string());
  } catch (const Error& error) {
    report.fix_failures.push_back(error.what());
  }
}

CheckReport run_checks(Session& session, const engine::Endpoint& endpoint, const CheckOptions& options) {
  CheckReport report;
  if (options.fix) apply_safe_fixes(session.home(), report);
  auto& engine = session.engine();
  auto& out = report.checks;

  out.push_back(evaluate_endpoint(endpoint));
  out.push_back(check_engine(engine, endpoint, report));
  const bool reachable = report.engine_reachable;
  out.push_back(reachable ? check_engine_api(engine)
                          : CheckResult{"engine_api", "engine version", CheckStatus::skip, kNoEngine, ""});
  out.push_back(check_socket(endpoint));
  for (auto& home_check : check_home_files(session.home())) out.push_back(std::move(home_check));

  // The platform as `start` would choose it; without the engine, from what this host says.
  const PlatformFacts facts =
      reachable ? session.platform_facts() : gather_platform_facts(nullptr, engine.describe());
  const auto chosen = parse_platform(session.options().platform);
  const PlatformDecision decision =
      chosen ? choose_platform(*chosen, facts) : decide_platform(facts);
  const auto project = check_compose(session, decision, out);
  guarded(out, "ports", "ports", [&] { check_ports(engine, project, reachable, out); });
  if (project) {
    out.push_back(evaluate_remote_ports(engine.describe(), published_ports(*project)));
    out.push_back(evaluate_remote_binds(engine.describe(), *project));
  }

  std::optional<engine::EngineInfo> info;
  if (reachable) guarded(out, "engine_info", "engine info", [&] { info = engine.info(); });
  if (info) {
    out.push_back(check_disk_space(info->docker_root_dir, engine_is_local(engine.describe())));
  } else {
    out.push_back({"disk", "disk space", CheckStatus::skip, kNoEngine, ""});
  }
  out.push_back(evaluate_platform(decision));
  out.push_back(evaluate_nvidia(facts, decision));
  guarded(out, "amd", "AMD GPU", [&] {
    out.push_back(evaluate_amd(facts, decision, render_group_id(decision, session.variables())));
  });
  report.platform = decision;
  report.platform_facts = facts;

  const Platform platform = decision.platform;
  if (platform == Platform::apple) {
    std::string error;
    auto status = http_get_status("http://localhost:11434/api/version", std::chrono::milliseconds(2000), &error);
    out.push_back(evaluate_native_ollama(platform, status, error));
  } else {
    out.push_back(evaluate_native_ollama(platform, std::nullopt, ""));
  }

  if (reachable) {
    guarded(out, "webui_to_ollama", "WebUI to Ollama", [&] {
      const std::string name = project ? project->name : session.project_name();
      out.push_back(check_webui_reaches_ollama(engine, name));
    });
    guarded(out, "tool_servers", "WebUI to tool servers", [&] {
      const std::string name = project ? project->name : session.project_name();
      std::optional<nlohmann::json> config;
      try {
        config = read_mcp_config(session.home().mcp_config());
      } catch (const ConfigError&) {
        // the mcp_config check reports it
      }
      out.push_back(check_webui_tool_servers(engine, name, config));
    });
    guarded(out, "gpu", "GPU in Ollama", [&] {
      const std::string name = project ? project->name : session.project_name();
      out.push_back(check_ollama_gpu(session, name, platform, options, report));
    });
    for (auto& backend : check_backends(session, project ? project->name : session.project_name()))
      out.push_back(std::move(backend));
  } else {
    out.push_back({"webui_to_ollama", "WebUI to Ollama", CheckStatus::skip, kNoEngine, ""});
    out.push_back({"tool_servers", "WebUI to tool servers", CheckStatus::skip, kNoEngine, ""});
    out.push_back({"gpu", "GPU in Ollama", CheckStatus::skip, kNoEngine, ""});
  }
  return report;
}

}  // namespace ollama_stack::stack
