// The Open WebUI and mcpo stand-ins.
#include "standin.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace standin {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p, bool& ok) {
    std::ifstream in(p, std::ios::binary);
    ok = static_cast<bool>(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool write_file(const fs::path& p, const std::string& content) {
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
    return static_cast<bool>(out);
}

std::string html_page(const std::string& title, const std::string& body) {
    return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n<body><h1>" +
           title + "</h1>\n" + body + "\n</body></html>\n";
}

// ---- Open WebUI ------------------------------------------------------------------------------

struct WebuiState {
    std::string secret_fingerprint;
    std::string secret_source;
    std::string db_created;
};

WebuiState& webui_state() {
    static WebuiState s;
    return s;
}

// Like Open WebUI: WEBUI_SECRET_KEY, else a key generated once into .webui_secret_key
// (relative to the working directory, /app/backend in the image: outside the data volume, which
// is why users get logged out when the container is recreated).
void webui_init() {
    auto& st = webui_state();
    fs::path db = fs::path(options().data_dir) / "webui.db";
    bool existed = false;
    std::string content = read_file(db, existed);
    if (!existed) {
        content = "standin webui.db\ncreated " + rfc3339(std::chrono::system_clock::now()) + "\n";
        if (!write_file(db, content)) log_error("cannot write " + db.string());
        else log_line("created " + db.string());
    }
    auto nl = content.find('\n');
    st.db_created = nl == std::string::npos ? "" : content.substr(nl + 1);
    while (!st.db_created.empty() && st.db_created.back() == '\n') st.db_created.pop_back();
    if (st.db_created.rfind("created ", 0) == 0) st.db_created.erase(0, 8);

    std::string key = env_or("WEBUI_SECRET_KEY", "");
    st.secret_source = "env";
    if (key.empty()) {
        fs::path key_file = env_or("WEBUI_SECRET_KEY_FILE", ".webui_secret_key");
        bool ok = false;
        key = read_file(key_file, ok);
        st.secret_source = "file";
        if (!ok || key.empty()) {
            std::random_device rd;
            std::ostringstream k;
            for (int i = 0; i < 4; ++i) k << std::hex << rd();
            key = k.str();
            write_file(key_file, key);
            st.secret_source = "generated";
        }
    }
    st.secret_fingerprint = fake_sha256_hex("webui-secret:" + key).substr(0, 16);
}

void webui_route(const Request& req, Responder& res) {
    const auto& p = req.path;
    if (p == "/health" || p == "/health/db") {
        if (!allow_methods(req, res, {"GET"})) return;
        if (options().fail_health) return send_error(res, 500, "standin: unhealthy (STANDIN_FAIL_HEALTH=1)");
        return res.send_json(200, {{"status", true}});
    }
    if (p == "/") {
        if (!allow_methods(req, res, {"GET"})) return;
        return res.send(200, "text/html; charset=utf-8",
                        html_page("Open WebUI (stand-in)", "<p>Stand-in for Open WebUI used by the ollama-stack tests.</p>"));
    }
    if (p == "/api/version") {
        return allow_methods(req, res, {"GET"}) ? res.send_json(200, {{"version", "0.0.0-standin"}}) : void();
    }
    if (p == "/api/config") {
        if (!allow_methods(req, res, {"GET"})) return;
        const auto& st = webui_state();
        return res.send_json(200, {{"status", true},
                                   {"name", "Open WebUI"},
                                   {"version", "0.0.0-standin"},
                                   {"default_locale", "en-US"},
                                   {"features", {{"auth", true}, {"enable_signup", true}}},
                                   {"x-standin", {{"ollama_base_url", env_or("OLLAMA_BASE_URL", "")},
                                                  {"secret_key_fingerprint", st.secret_fingerprint},
                                                  {"secret_key_source", st.secret_source},
                                                  {"db_created", st.db_created}}}});
    }
    // Open WebUI proxies /ollama/* to OLLAMA_BASE_URL: a GET here really reaches Ollama.
    if (p == "/ollama" || p.rfind("/ollama/", 0) == 0) {
        if (!allow_methods(req, res, {"GET"})) return;
        std::string base = env_or("OLLAMA_BASE_URL", "http://localhost:11434");
        while (!base.empty() && base.back() == '/') base.pop_back();
        std::string rest = p.substr(7);
        auto r = http_get(base + (rest.empty() ? "/" : rest) + (req.query.empty() ? "" : "?" + req.query), 3000);
        if (r.status == 0) return send_error(res, 500, "Open WebUI: Server Connection Error (" + r.error + ")");
        return res.send(r.status, r.body.rfind('{', 0) == 0 ? "application/json" : "text/plain; charset=utf-8", r.body);
    }
    send_error(res, 404, "Not Found");
}

// ---- mcpo ---------------------------------------------------------------------------------------

using ojson = json;

// Reads --config afresh; the servers in file order, or an error message.
std::optional<ojson> load_servers(std::string& error) {
    const auto& path = options().config_path;
    if (path.empty()) {
        error = "no --config given";
        return std::nullopt;
    }
    bool ok = false;
    std::string text = read_file(path, ok);
    if (!ok) {
        error = "cannot read config file " + path;
        return std::nullopt;
    }
    ojson cfg = ojson::parse(text, nullptr, false);
    if (cfg.is_discarded()) {
        error = "config file " + path + " is not valid JSON";
        return std::nullopt;
    }
    if (!cfg.is_object() || !cfg.contains("mcpServers") || !cfg["mcpServers"].is_object()) {
        error = "config file " + path + " has no \"mcpServers\" object";
        return std::nullopt;
    }
    for (const auto& [name, server] : cfg["mcpServers"].items()) {
        bool has_cmd = server.is_object() && server.contains("command") && server["command"].is_string();
        bool has_url = server.is_object() && server.contains("url") && server["url"].is_string();
        if (!has_cmd && !has_url) {
            error = "server \"" + name + "\" in " + path + " needs a \"command\" or a \"url\"";
            return std::nullopt;
        }
    }
    return cfg["mcpServers"];
}

void mcpo_route(const Request& req, Responder& res) {
    const auto& p = req.path;
    if (p == "/openapi.json" || p == "/docs") {
        if (!allow_methods(req, res, {"GET"})) return;
        if (options().fail_health && p == "/openapi.json")
            return send_error(res, 500, "standin: unhealthy (STANDIN_FAIL_HEALTH=1)");
        std::string error;
        auto servers = load_servers(error);
        if (!servers) return send_error(res, 500, error);
        ojson names = ojson::array();
        ojson paths = ojson::object();
        std::string links;
        for (const auto& [name, server] : servers->items()) {
            names.push_back(name);
            paths["/" + name + "/openapi.json"] = {
                {"get", {{"summary", "OpenAPI document of MCP server '" + name + "'"},
                         {"operationId", "openapi_" + name},
                         {"responses", {{"200", {{"description", "Successful Response"}}}}}}}};
            links += "<li><a href=\"/" + name + "/docs\">" + name + "</a></li>";
        }
        if (p == "/docs")
            return res.send(200, "text/html; charset=utf-8", html_page("MCP OpenAPI Proxy (stand-in)", "<ul>" + links + "</ul>"));
        ojson doc = {{"openapi", "3.1.0"},
                     {"info", {{"title", "MCP OpenAPI Proxy"},
                               {"description", "Automatically generated API from MCP Tool Schemas (stand-in)"},
                               {"version", "1.0"}}},
                     {"paths", paths},
                     {"x-standin-servers", names}};
        return res.send(200, "application/json", doc.dump());
    }
    // /<server>/openapi.json and /<server>/docs for each configured server.
    auto slash = p.find('/', 1);
    if (slash != std::string::npos) {
        std::string name = p.substr(1, slash - 1), sub = p.substr(slash);
        if (sub == "/openapi.json" || sub == "/docs") {
            if (!allow_methods(req, res, {"GET"})) return;
            std::string error;
            auto servers = load_servers(error);
            if (!servers) return send_error(res, 500, error);
            if (!servers->contains(name)) return send_error(res, 404, "Not Found");
            const auto& server = (*servers)[name];
            auto field = [&](const char* key) {
                return server.contains(key) && server[key].is_string() ? server[key].get<std::string>() : std::string();
            };
            std::string type = field("type");
            if (sub == "/docs") return res.send(200, "text/html; charset=utf-8", html_page(name + " (stand-in)", ""));
            ojson doc = {{"openapi", "3.1.0"},
                         {"info", {{"title", name}, {"description", name + " MCP server (stand-in)"}, {"version", "1.0"}}},
                         {"paths", ojson::object()},
                         {"x-standin-server", {{"name", name},
                                               {"type", !type.empty() ? type : server.contains("url") ? "sse" : "stdio"},
                                               {"command", field("command")},
                                               {"url", field("url")}}}};
            return res.send(200, "application/json", doc.dump());
        }
    }
    send_error(res, 404, "Not Found");
}

}  // namespace

Handler make_webui_handler() {
    webui_init();
    return webui_route;
}

Handler make_mcpo_handler() {
    if (options().config_path.empty()) log_error("no --config given: /openapi.json will answer 500");
    return mcpo_route;
}

}  // namespace standin
