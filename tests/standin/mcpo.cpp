// The mcpo stand-in, modelled on open-webui/mcpo src/mcpo/main.py (0.0.20):
// - the config is read once at start; a missing file, bad JSON, or an empty or missing
//   "mcpServers" ends the process (load_config raises: "No 'mcpServers' found"), so a container
//   with a restart policy restart-loops;
// - each server is its own app mounted at /<name> (/<name>/openapi.json, /<name>/docs); the root
//   /openapi.json lists none of them (mounted apps are not in the parent's schema);
// - a server's tools exist only when mcpo could connect to it at start (here: an sse or
//   streamable-http URL answered a GET; a stdio command is taken as connected, it is not run);
//   one that failed is still mounted, with no tool;
// - --hot-reload re-reads the file when it changes, but only adds new servers: removed ones stay
//   mounted and a changed one keeps its old app in front (unmount_servers() leaves the Mount
//   route; the new one is appended after it).
#include "standin.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <unistd.h>

namespace standin {
namespace {

using ojson = json;

struct Mounted {
    ojson config;
    bool connected = false;
};

struct McpoState {
    std::mutex mutex;
    bool hot_reload = false;
    std::string text;                        // the config text last loaded
    std::vector<std::string> order;          // mount order
    std::map<std::string, Mounted> mounted;  // the first mount of a name wins
};

McpoState& state() {
    static McpoState s;
    return s;
}

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// load_config(): the servers, or the reason mcpo would refuse the file.
std::optional<ojson> parse_config(const std::string& text, const std::string& path, std::string& error) {
    ojson cfg = ojson::parse(text, nullptr, false);
    if (cfg.is_discarded()) {
        error = "Invalid JSON in config file " + path;
        return std::nullopt;
    }
    if (!cfg.is_object() || !cfg.contains("mcpServers") || !cfg["mcpServers"].is_object() ||
        cfg["mcpServers"].empty()) {
        error = "No 'mcpServers' found in config file: " + path;
        return std::nullopt;
    }
    for (const auto& [name, server] : cfg["mcpServers"].items()) {
        bool has_cmd = server.is_object() && server.contains("command") && server["command"].is_string();
        bool has_url = server.is_object() && server.contains("url") && server["url"].is_string();
        if (!has_cmd && !has_url) {
            error = "Invalid configuration: Server '" + name + "' must have either 'command' for stdio or 'type' and 'url' for remote servers";
            return std::nullopt;
        }
    }
    return cfg["mcpServers"];
}

bool connect(const std::string& name, const ojson& server) {
    if (!server.contains("url")) return true;
    const std::string url = server["url"].get<std::string>();
    auto r = http_get(url, 2000);
    const bool ok = r.status >= 200 && r.status < 300;
    if (ok) log_line("Successfully connected to '" + name + "'.");
    else log_error("Failed to establish connection for server: '" + name + "' - " + (r.status ? "HTTP " + std::to_string(r.status) : r.error));
    return ok;
}

// Mounts every server of `servers` not mounted yet (mutex held).
void mount_new(McpoState& s, const ojson& servers) {
    for (const auto& [name, server] : servers.items()) {
        if (s.mounted.count(name) != 0) continue;
        s.order.push_back(name);
        s.mounted[name] = {server, connect(name, server)};
    }
}

// --hot-reload: a changed file adds its new servers (mutex held).
void maybe_reload(McpoState& s) {
    if (!s.hot_reload) return;
    const auto& path = options().config_path;
    auto text = read_text(path);
    if (!text || *text == s.text) return;
    s.text = *text;
    std::string error;
    auto servers = parse_config(*text, path, error);
    if (!servers) {
        log_error("Error reloading config: " + error);
        return;
    }
    log_line("Config file change detected: " + path);
    mount_new(s, *servers);
}

std::string html_page(const std::string& title, const std::string& body) {
    return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n<body><h1>" +
           title + "</h1>\n" + body + "\n</body></html>\n";
}

void mcpo_route(const Request& req, Responder& res) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    maybe_reload(s);
    const auto& p = req.path;
    if (p == "/openapi.json" || p == "/docs") {
        if (!allow_methods(req, res, {"GET"})) return;
        if (options().fail_health && p == "/openapi.json")
            return send_error(res, 500, "standin: unhealthy (STANDIN_FAIL_HEALTH=1)");
        std::string description = "Automatically generated API from MCP Tool Schemas";
        std::string links;
        ojson names = ojson::array();
        for (const auto& name : s.order) {
            names.push_back(name);
            if (s.mounted[name].connected) description += "\n    - [" + name + "](/" + name + "/docs)";
            links += "<li><a href=\"/" + name + "/docs\">" + name + "</a></li>";
        }
        if (p == "/docs")
            return res.send(200, "text/html; charset=utf-8", html_page("MCP OpenAPI Proxy (stand-in)", "<ul>" + links + "</ul>"));
        ojson doc = {{"openapi", "3.1.0"},
                     {"info", {{"title", "MCP OpenAPI Proxy"}, {"description", description}, {"version", "1.0"}}},
                     {"paths", ojson::object()},
                     {"x-standin-servers", names}};
        return res.send(200, "application/json", doc.dump());
    }
    auto slash = p.find('/', 1);
    if (slash != std::string::npos) {
        std::string name = p.substr(1, slash - 1), sub = p.substr(slash);
        auto it = s.mounted.find(name);
        if (it != s.mounted.end() && (sub == "/openapi.json" || sub == "/docs")) {
            if (!allow_methods(req, res, {"GET"})) return;
            if (sub == "/docs") return res.send(200, "text/html; charset=utf-8", html_page(name + " (stand-in)", ""));
            const auto& server = it->second.config;
            auto field = [&](const char* key) {
                return server.contains(key) && server[key].is_string() ? server[key].get<std::string>() : std::string();
            };
            ojson paths = ojson::object();
            if (it->second.connected)
                paths["/" + name + "_echo"] = {{"post", {{"summary", "Echo"}, {"operationId", "tool_" + name + "_echo_post"}}}};
            std::string type = field("type");
            ojson doc = {{"openapi", "3.1.0"},
                         {"info", {{"title", name}, {"description", name + " MCP Server\n\n- [back to tool list](/docs)"}, {"version", "1.0"}}},
                         {"paths", paths},
                         {"x-standin-server", {{"name", name},
                                               {"type", !type.empty() ? type : server.contains("url") ? "sse" : "stdio"},
                                               {"command", field("command")},
                                               {"url", field("url")},
                                               {"connected", it->second.connected}}}};
            return res.send(200, "application/json", doc.dump());
        }
    }
    send_error(res, 404, "Not Found");
}

}  // namespace

Handler make_mcpo_handler(bool hot_reload) {
    auto& s = state();
    s.hot_reload = hot_reload;
    const auto& path = options().config_path;
    std::string error;
    auto text = path.empty() ? std::nullopt : read_text(path);
    std::optional<ojson> servers;
    if (path.empty()) error = "MCPO server_command or config_path must be provided.";
    else if (!text) error = "Config file not found: " + path;
    else servers = parse_config(*text, path, error);
    if (!servers) {
        log_error(error);
        std::fflush(stdout);
        ::_exit(1);
    }
    s.text = *text;
    log_line("Loading MCP server configurations from: " + path);
    mount_new(s, *servers);
    if (hot_reload) log_line("Enabling hot reload for config file: " + path);
    return mcpo_route;
}

}  // namespace standin
