// Can Open WebUI reach Ollama from inside the stack's network? The question behind most "WebUI
// shows no models" reports, answered by running a probe inside the webui container itself.
#include <fmt/format.h>

#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/checks/checks.hpp"
#include "ollama_stack/stack/mcp/mcp_config.hpp"
#include "ollama_stack/stack/mcp/tool_servers.hpp"

namespace ollama_stack::stack {
namespace {

constexpr const char* kId = "webui_to_ollama";
constexpr const char* kName = "WebUI to Ollama";
constexpr const char* kDefaultOllamaUrl = "http://ollama:11434";

std::string first_line(std::string text) {
  while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) text.erase(text.begin());
  auto end = text.find_first_of("\r\n");
  return end == std::string::npos ? text : text.substr(0, end);
}

std::string ollama_url(const engine::ContainerInspect& container) {
  for (const auto& entry : container.env) {
    if (entry.starts_with("OLLAMA_BASE_URL=") && entry.size() > 16) return entry.substr(16);
  }
  return kDefaultOllamaUrl;
}

}  // namespace

std::vector<std::vector<std::string>> reachability_probes(const std::string& url) {
  // Open WebUI's image has curl (its own healthcheck uses it) and python3.
  return {
      {"curl", "-fsS", "--max-time", "3", "-o", "/dev/null", url},
      {"python3", "-c",
       "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=3)", url},
  };
}

ProbeOutcome classify_probe(const engine::ExecResult& result) {
  if (result.exit_code == 0) return ProbeOutcome::reached;
  const std::string output = result.out + result.err;
  const bool not_found = output.find("executable file not found") != std::string::npos ||
                         output.find("no such file or directory") != std::string::npos;
  if (result.exit_code == 127 || (result.exit_code == 126 && not_found)) return ProbeOutcome::missing;
  return ProbeOutcome::failed;
}

CheckResult check_webui_reaches_ollama(engine::Client& engine, const std::string& project_name) {
  const auto filters = compose::project_filter(project_name, "webui");
  const auto running = engine.list_containers(filters, false);
  if (running.empty()) return {kId, kName, CheckStatus::skip, "the stack is not running (nothing to test)", ""};
  const auto container = engine.inspect_container(running.front().id);
  std::string base = ollama_url(container);
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string url = base + "/api/version";
  for (const auto& probe : reachability_probes(url)) {
    engine::ExecResult outcome;
    try {
      outcome = engine.exec(container.id, probe, std::chrono::seconds(10));
    } catch (const engine::EngineError& error) {
      if (error.kind() == engine::EngineError::Kind::unreachable) throw;
      continue;  // this exec could not run; try the next probe
    }
    switch (classify_probe(outcome)) {
      case ProbeOutcome::reached:
        return {kId, kName, CheckStatus::pass,
                fmt::format("{} reaches Ollama at {} from inside the stack's network", container.name, base), ""};
      case ProbeOutcome::failed:
        return {kId, kName, CheckStatus::fail,
                fmt::format("{} cannot reach Ollama at {} ({})", container.name, base,
                            first_line(outcome.out + outcome.err)),
                "OLLAMA_BASE_URL must name the ollama service (http://ollama:11434) on the stack's network; a "
                "native Ollama reached through host.docker.internal must listen on 0.0.0.0 (OLLAMA_HOST=0.0.0.0). "
                "Then run `ollama-stack restart`"};
      case ProbeOutcome::missing:
        break;
    }
  }
  return {kId, kName, CheckStatus::warn,
          fmt::format("could not test: {} has neither curl nor python3 to probe {}", container.name,
                      url),
          "test by hand: open Open WebUI's Settings, Connections"};
}

CheckResult check_webui_tool_servers(engine::Client& engine, const std::string& project_name,
                                     const std::optional<nlohmann::json>& mcp_config) {
  constexpr const char* id = "tool_servers";
  constexpr const char* name = "WebUI to tool servers";
  const auto running =
      engine.list_containers(compose::project_filter(project_name, "webui"), false);
  if (running.empty())
    return {id, name, CheckStatus::skip, "the stack is not running (nothing to test)", ""};
  const auto webui = read_webui_tool_servers(engine, project_name);
  if (webui.source == ToolListSource::unknown)
    return {id, name, CheckStatus::warn,
            fmt::format("could not read Open WebUI's tool servers: {}", webui.detail),
            "check them by hand in Open WebUI's Admin Panel > Settings > External Tools"};
  // Every connection Open WebUI uses must answer its OpenAPI document from inside its container.
  std::vector<std::string> failed;
  std::vector<std::string> answered;
  for (const auto& connection : webui.connections) {
    if (!connection.is_object() || !connection.contains("url") || !connection["url"].is_string())
      continue;
    if (connection.value("config", nlohmann::json::object()).value("enable", true) == false)
      continue;
    std::string base = connection["url"].get<std::string>();
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::string path = connection.value("path", std::string("openapi.json"));
    if (path.empty()) path = "openapi.json";
    const std::string url = path.find("://") != std::string::npos
                                ? path
                                : base + (path.starts_with('/') ? "" : "/") + path;
    ProbeOutcome outcome = ProbeOutcome::missing;
    std::string output;
    for (const auto& probe : reachability_probes(url)) {
      try {
        const auto result = engine.exec(running.front().id, probe, std::chrono::seconds(10));
        outcome = classify_probe(result);
        output = first_line(result.out + result.err);
      } catch (const engine::EngineError& error) {
        if (error.kind() == engine::EngineError::Kind::unreachable) throw;
        continue;
      }
      if (outcome != ProbeOutcome::missing) break;
    }
    if (outcome == ProbeOutcome::reached)
      answered.push_back(url);
    else
      failed.push_back(outcome == ProbeOutcome::missing ? url + " (no curl or python3 to test it)"
                                                        : url + " (" + output + ")");
  }
  std::vector<std::string> missing;
  if (mcp_config)
    for (const auto& [server, entry] : (*mcp_config)["mcpServers"].items()) {
      (void)entry;
      if (!connections_include(webui.connections, tool_server_url(server)))
        missing.push_back(tool_server_url(server));
    }
  std::string list;
  for (const auto& url : failed) list += (list.empty() ? "" : ", ") + url;
  if (!failed.empty())
    return {
        id, name, CheckStatus::fail,
        fmt::format("{} cannot reach {} of its tool servers from inside the stack's network: {}",
                    running.front().name, failed.size(), list),
        "see `ollama-stack status` (is the MCP proxy serving them?) and `ollama-stack logs "
        "mcp_proxy`"};
  if (!missing.empty())
    return {id, name, CheckStatus::warn,
            fmt::format("Open WebUI (tool servers from its {}) lacks {} of the MCP proxy's servers",
                        to_string(webui.source), missing.size()),
            webui.source == ToolListSource::database ? add_in_webui_fix(missing)
                                                     : "run `ollama-stack restart`"};
  return {
      id, name, CheckStatus::pass,
      fmt::format(
          "{} reaches each of its {} tool server{} (from its {}) from inside the stack's network",
          running.front().name, answered.size(), answered.size() == 1 ? "" : "s",
          to_string(webui.source)),
      ""};
}

}  // namespace ollama_stack::stack
