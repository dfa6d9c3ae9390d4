#include "ollama_stack/stack/checks/check_backends.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/backends/backend_fleet.hpp"
#include "ollama_stack/stack/mcp/tool_servers.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/parallel.hpp"

namespace ollama_stack::stack {
namespace {


std::string first_line(const std::string& text) {
  const auto start = text.find_first_not_of("\n ");
  if (start == std::string::npos) return "";
  return text.substr(start, text.find_first_of("\r\n", start) - start);
}

// From inside the running webui container, as Open WebUI itself would reach the backend.
CheckResult webui_reaches(engine::Client& engine, const std::string& core_project,
                          const std::string& id, const std::string& name, const std::string& url) {
  const auto running =
      engine.list_containers(compose::project_filter(core_project, "webui"), false);
  if (running.empty())
    return {id, name, CheckStatus::skip, "the stack is not running (nothing to test)", ""};
  for (const auto& probe : reachability_probes(url + "/api/version")) {
    const auto outcome = engine.exec(running.front().id, probe, std::chrono::seconds(10));
    switch (classify_probe(outcome)) {
      case ProbeOutcome::reached:
        return {id, name, CheckStatus::pass, fmt::format("Open WebUI reaches it at {}", url), ""};
      case ProbeOutcome::failed:
        return {
            id, name, CheckStatus::fail,
            fmt::format("Open WebUI cannot reach it at {} ({})", url,
                        first_line(outcome.out + outcome.err)),
            "start it (`ollama-stack start`); open its port to the core's machine in the backend "
            "machine's firewall; or give `backends add … --url` the address Open WebUI can use"};
      case ProbeOutcome::missing:
        break;
    }
  }
  return {
      id, name, CheckStatus::warn,
      fmt::format("could not test: Open WebUI's container has neither curl nor python3 to probe {}",
                  url),
      "test by hand in Open WebUI's Admin Panel > Settings > Connections"};
}

}  // namespace

CheckResult evaluate_backend_exposure(const BackendRecord& backend) {
  const std::string id = "backend." + backend.name + ".exposure";
  const std::string name = "backend " + backend.name + " exposure";
  if (backend.bind == "127.0.0.1" || backend.bind == "::1" || backend.bind == "localhost")
    return {id, name, CheckStatus::pass,
            fmt::format("listens on {}:{} of its engine's host only", backend.bind, backend.port),
            ""};
  return {id, name, CheckStatus::warn,
          fmt::format("listens on {}:{} of its engine's host, and Ollama has no authentication: "
                      "whoever reaches that port can run, pull and delete its models",
                      backend.bind, backend.port),
          "allow the port only from the core's machine in that host's firewall, or bind it to a "
          "private network's address (`backends rm` then `backends add … --bind ADDRESS`)"};
}

std::vector<CheckResult> check_backends(Session& core, const std::string& core_project) {
  std::vector<BackendRecord> backends;
  try {
    backends = recorded_backends(core.home());
  } catch (const Error& error) {
    return {{"backends", "backends", CheckStatus::fail, error.what(), error.hint()}};
  }
  if (backends.empty()) return {};
  // An admin's saved Ollama connections win over the list the stack gives Open WebUI.
  std::optional<std::vector<std::string>> saved;
  try {
    saved = read_webui_tool_servers(core.engine(), core_project).saved_ollama_urls;
  } catch (const Error&) {
    // the engine check and the webui probes report it
  }
  std::vector<std::vector<CheckResult>> per_backend(backends.size());
  util::parallel_for_each(backends.size(), [&](size_t index) {
    const auto& backend = backends[index];
    auto& out = per_backend[index];
    const std::string prefix = "backend." + backend.name;
    const std::string engine_name = "backend " + backend.name + " engine";
    const std::string webui_name = "WebUI to backend " + backend.name;
    try {
      auto connection = connect_backend(backend, core.options());
      const auto& decision = connection.session->platform();
      out.push_back(
          {prefix + ".engine", engine_name, CheckStatus::pass,
           fmt::format("{} answers; platform {}", backend_engine_text(backend), describe(decision)),
           ""});
    } catch (const Error& error) {
      out.push_back({prefix + ".engine", engine_name, CheckStatus::fail,
                     fmt::format("{}: {}", backend_engine_text(backend), error.what()),
                     error.hint().empty()
                         ? "start that engine, or fix `backends add`'s --host/--context"
                         : error.hint()});
    }
    try {
      const auto url = backend_webui_url(backend, backend_endpoint(backend, core.options().env));
      auto reached = webui_reaches(core.engine(), core_project, prefix + ".webui", webui_name, url);
      if (saved && std::find(saved->begin(), saved->end(), url) == saved->end() &&
          reached.status == CheckStatus::pass)
        reached = {reached.id, reached.name, CheckStatus::warn,
                   fmt::format("Open WebUI reaches it at {}, but does not use it: an admin saved "
                               "Open WebUI's Ollama connections, and the saved list wins",
                               url),
                   fmt::format("add {} in Open WebUI's Admin Panel > Settings > Connections", url)};
      out.push_back(std::move(reached));
    } catch (const Error& error) {
      out.push_back({prefix + ".webui", webui_name, CheckStatus::fail, error.what(), error.hint()});
    }
    out.push_back(evaluate_backend_exposure(backend));
  });
  std::vector<CheckResult> all;
  for (auto& results : per_backend)
    for (auto& result : results) all.push_back(std::move(result));
  return all;
}

}  // namespace ollama_stack::stack
