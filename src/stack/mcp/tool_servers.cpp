#include "ollama_stack/stack/mcp/tool_servers.hpp"

#include <fmt/format.h>

#include <map>

#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/extensions/extension_catalog.hpp"
#include "ollama_stack/stack/extensions/extension_mcp.hpp"
#include "ollama_stack/stack/health.hpp"
#include "ollama_stack/stack/mcp/mcp_config.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/parallel.hpp"

namespace ollama_stack::stack {
namespace {


// The first line is a marker, so the test stand-in of Open WebUI can recognise the program.
const std::string kScript = R"py(# ollama-stack:webui-tool-servers
import json, os, sqlite3
out = {"env": os.environ.get("TOOL_SERVER_CONNECTIONS"), "stored": None,
       "persistent": os.environ.get("ENABLE_PERSISTENT_CONFIG", "True").lower() == "true"}
try:
    url = os.environ.get("DATABASE_URL", "")
    path = os.path.join(os.environ.get("DATA_DIR", "/app/backend/data"), "webui.db")
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
    elif url:
        raise RuntimeError("its database is not SQLite (DATABASE_URL)")
    db = sqlite3.connect("file:" + path + "?mode=ro", uri=True)
    columns = [row[1] for row in db.execute("PRAGMA table_info(config)")]
    if "data" in columns:
        row = db.execute("SELECT data FROM config ORDER BY id DESC LIMIT 1").fetchone()
        data = json.loads(row[0]) if row else {}
        out["stored"] = (data.get("tool_server") or {}).get("connections")
        out["ollama_stored"] = (data.get("ollama") or {}).get("base_urls")
    elif "key" in columns:
        row = db.execute("SELECT value FROM config WHERE key = 'tool_server.connections'").fetchone()
        out["stored"] = json.loads(row[0]) if row else None
        row = db.execute("SELECT value FROM config WHERE key = 'ollama.base_urls'").fetchone()
        out["ollama_stored"] = json.loads(row[0]) if row else None
except Exception as error:
    out["error"] = str(error)
print(json.dumps(out))
)py";

std::string trimmed_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::optional<engine::ContainerSummary> running_service(engine::Client& client,
                                                        const std::string& project,
                                                        const std::string& service) {
  for (const auto& container :
       client.list_containers(compose::project_filter(project, service), false))
    if (container.state == "running") return container;
  return std::nullopt;
}

}  // namespace

std::string to_string(ToolListSource source) {
  switch (source) {
    case ToolListSource::not_running:
      return "not running";
    case ToolListSource::environment:
      return "environment";
    case ToolListSource::database:
      return "database";
    case ToolListSource::unknown:
      return "unknown";
  }
  return "unknown";
}

const std::string& webui_tool_servers_script() { return kScript; }

WebuiToolServers parse_webui_tool_servers(std::string_view output) {
  WebuiToolServers result;
  result.source = ToolListSource::unknown;
  const auto start = output.find('{');
  auto report = start == std::string_view::npos
                    ? nlohmann::json()
                    : nlohmann::json::parse(output.substr(start), nullptr, false);
  if (!report.is_object()) {
    result.detail = "unexpected answer from inside the WebUI container";
    return result;
  }
  if (report.contains("error") && report["error"].is_string()) {
    result.detail = report["error"].get<std::string>();
    return result;
  }
  const bool persistent = report.value("persistent", true);
  if (const auto saved = report.find("ollama_stored");
      persistent && saved != report.end() && saved->is_array()) {
    std::vector<std::string> urls;
    for (const auto& url : *saved)
      if (url.is_string()) urls.push_back(url.get<std::string>());
    result.saved_ollama_urls = std::move(urls);
  }
  if (persistent && report.contains("stored") && report["stored"].is_array()) {
    result.source = ToolListSource::database;
    result.connections = report["stored"];
    return result;
  }
  result.source = ToolListSource::environment;
  // Open WebUI logs and ignores a value that is not JSON: no tool servers.
  if (report.contains("env") && report["env"].is_string()) {
    auto seeded = nlohmann::json::parse(report["env"].get<std::string>(), nullptr, false);
    if (seeded.is_array()) result.connections = seeded;
  }
  return result;
}

WebuiToolServers read_webui_tool_servers(engine::Client& client, const std::string& core_project) {
  WebuiToolServers result;
  auto webui = running_service(client, core_project, kWebuiService);
  if (!webui) return result;
  try {
    auto exec = client.exec(webui->id, {"python3", "-c", kScript}, std::chrono::seconds(10));
    if (exec.exit_code != 0) {
      result.source = ToolListSource::unknown;
      result.detail = fmt::format("python3 inside {} exited with {}: {}", webui->name,
                                  exec.exit_code, exec.err.empty() ? exec.out : exec.err);
      return result;
    }
    return parse_webui_tool_servers(exec.out);
  } catch (const engine::EngineError& error) {
    if (error.kind() == engine::EngineError::Kind::unreachable) throw;
    result.source = ToolListSource::unknown;
    result.detail = error.what();
    return result;
  }
}

bool connections_include(const nlohmann::json& connections, const std::string& url) {
  if (!connections.is_array()) return false;
  for (const auto& connection : connections) {
    if (!connection.is_object() || !connection.contains("url") || !connection["url"].is_string())
      continue;
    if (trimmed_url(connection["url"].get<std::string>()) != trimmed_url(url)) continue;
    const auto config = connection.value("config", nlohmann::json::object());
    if (config.is_object() && config.value("enable", true) == false) continue;
    return true;
  }
  return false;
}

std::string add_in_webui_fix(const std::vector<std::string>& urls) {
  std::string list;
  for (const auto& url : urls) list += (list.empty() ? "" : ", ") + url;
  return fmt::format(
      "Open WebUI keeps the tool servers an admin saved, so ollama-stack does not change them: "
      "add {} (OpenAPI, path openapi.json, no key) in Open WebUI's Admin Panel > Settings > "
      "External Tools",
      list);
}

ToolServersReport tool_servers_report(Session& session) {
  ToolServersReport report;
  auto& client = session.engine();
  const std::string core = session.project_name();
  std::optional<nlohmann::json> config;
  std::map<std::string, std::string> extension_of;
  std::string proxy_base;
  // Open WebUI's list is read (over the engine, from its container) while the rest is gathered.
  util::parallel_for_each(2, [&](size_t task) {
    if (task == 0) {
      report.webui = read_webui_tool_servers(client, core);
      return;
    }
    try {
      config = read_mcp_config(session.home().mcp_config());
    } catch (const ConfigError& error) {
      report.fix = std::string(error.what()) + ": " + error.hint();
    }
    for (const auto& server : running_wired_servers(session))
      extension_of[server.name] = server.name;
    const auto proxy = running_proxy(client, core);
    if (!proxy) return;
    const std::string host = session.url_host() == "localhost" ? "127.0.0.1" : session.url_host();
    auto probe = probe_for(proxy->labels, proxy->ports, host);
    if (probe.host_port != 0) proxy_base = fmt::format("http://{}:{}", host, probe.host_port);
  });
  const bool webui_known = report.webui.source == ToolListSource::environment ||
                           report.webui.source == ToolListSource::database;
  std::vector<std::string> missing;
  if (config) {
    for (const auto& [name, entry] : (*config)["mcpServers"].items()) {
      (void)entry;
      ToolServerStatus status;
      status.name = name;
      status.url = tool_server_url(name);
      if (auto it = extension_of.find(name); it != extension_of.end())
        status.extension = it->second;
      if (!proxy_base.empty()) {
        auto code = http_get_status(fmt::format("{}/{}/openapi.json", proxy_base, name),
                                    std::chrono::milliseconds(2000));
        status.served = code && *code >= 200 && *code < 300;
      }
      if (webui_known) status.webui = connections_include(report.webui.connections, status.url);
      if (status.served.value_or(false) && status.webui == false) missing.push_back(status.url);
      report.servers.push_back(std::move(status));
    }
  }
  if (!missing.empty()) {
    report.fix = report.webui.source == ToolListSource::database
                     ? add_in_webui_fix(missing)
                     : "Open WebUI was started before these tool servers existed: run "
                       "`ollama-stack restart`";
  }
  return report;
}

}  // namespace ollama_stack::stack
