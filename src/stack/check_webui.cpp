// Can Open WebUI reach Ollama from inside the stack's network? The question behind most "WebUI
// shows no models" reports, answered by running a probe inside the webui container itself.
#include <fmt/format.h>

#include "ollama_stack/compose/labels.hpp"
#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/checks.hpp"

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
  return {
      {"/standin", "probe", url},  // the stand-in image of the tests: no shell, no curl
      {"curl", "-fsS", "--max-time", "3", "-o", "/dev/null", url},
      {"python3", "-c", "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=3)", url},
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
  const engine::Filters filters{
      {"label", {std::string(compose::labels::kProject) + "=" + project_name,
                 std::string(compose::labels::kService) + "=webui"}}};
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
          fmt::format("could not test: {} has none of /standin, curl, python3 to probe {}", container.name, url),
          "test by hand: open Open WebUI's Settings, Connections"};
}

}  // namespace ollama_stack::stack
