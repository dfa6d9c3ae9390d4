// The Open WebUI and mcpo stand-ins.
#include "standin.hpp"

#include <cstdlib>
#include <filesystem>
#include <mutex>
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
    std::mutex mutex;
    json tool_servers = json::array();  // what it uses: the saved list, else the environment's
    std::string tool_servers_source;    // "env" or "database"
};

fs::path stored_config_path(const std::string& data_dir) { return fs::path(data_dir) / "standin-config.json"; }

// Open WebUI's PersistentConfig (backend/open_webui/config.py): the value saved in the database
// wins; the environment only seeds it; ENABLE_PERSISTENT_CONFIG=false makes the environment win.
void load_tool_servers(WebuiState& st) {
    json seeded = json::array();
    if (const char* env = std::getenv("TOOL_SERVER_CONNECTIONS")) {
        seeded = json::parse(env, nullptr, false);
        if (!seeded.is_array()) {
            log_error("Error loading TOOL_SERVER_CONNECTIONS: not a JSON list");
            seeded = json::array();
        }
    }
    const bool persistent = env_or("ENABLE_PERSISTENT_CONFIG", "True") != "False" &&
                            env_or("ENABLE_PERSISTENT_CONFIG", "true") != "false";
    auto stored = webui_stored_tool_servers(options().data_dir);
    if (stored && persistent) {
        log_line("'TOOL_SERVER_CONNECTIONS' loaded from the latest database entry");
        st.tool_servers = *stored;
        st.tool_servers_source = "database";
    } else {
        st.tool_servers = seeded;
        st.tool_servers_source = "env";
    }
    log_line("tool servers: " + std::to_string(st.tool_servers.size()) + " (from " + st.tool_servers_source + ")");
}

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
    load_tool_servers(st);
}

// POST /api/v1/configs/tool_servers (an admin saving the list in the UI): stored, then used.
void save_tool_servers(const Request& req, Responder& res) {
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("TOOL_SERVER_CONNECTIONS") || !body["TOOL_SERVER_CONNECTIONS"].is_array())
        return send_error(res, 422, "body must be {\"TOOL_SERVER_CONNECTIONS\": [...]}");
    auto& st = webui_state();
    std::lock_guard lock(st.mutex);
    const auto path = stored_config_path(options().data_dir);
    bool existed = false;
    json config = json::parse(read_file(path, existed), nullptr, false);
    if (!config.is_object()) config = json::object();
    config["tool_server"]["connections"] = body["TOOL_SERVER_CONNECTIONS"];
    if (!write_file(path, config.dump(2))) return send_error(res, 500, "cannot write " + path.string());
    st.tool_servers = body["TOOL_SERVER_CONNECTIONS"];
    st.tool_servers_source = "database";
    log_line("Saving 'TOOL_SERVER_CONNECTIONS' to the database");
    res.send_json(200, {{"TOOL_SERVER_CONNECTIONS", st.tool_servers}});
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
    if (p == "/api/v1/configs/tool_servers") {
        if (!allow_methods(req, res, {"GET", "POST"})) return;
        if (req.method == "POST") return save_tool_servers(req, res);
        auto& st = webui_state();
        std::lock_guard lock(st.mutex);
        return res.send_json(200, {{"TOOL_SERVER_CONNECTIONS", st.tool_servers}});
    }
    if (p == "/api/config") {
        if (!allow_methods(req, res, {"GET"})) return;
        auto& st = webui_state();
        std::lock_guard lock(st.mutex);
        return res.send_json(200, {{"status", true},
                                   {"name", "Open WebUI"},
                                   {"version", "0.0.0-standin"},
                                   {"default_locale", "en-US"},
                                   {"features", {{"auth", true}, {"enable_signup", true}}},
                                   {"x-standin", {{"ollama_base_url", env_or("OLLAMA_BASE_URL", "")},
                                                  {"secret_key_fingerprint", st.secret_fingerprint},
                                                  {"secret_key_source", st.secret_source},
                                                  {"db_created", st.db_created},
                                                  {"tool_servers_source", st.tool_servers_source},
                                                  {"tool_servers", st.tool_servers}}}});
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

}  // namespace

std::optional<json> webui_stored_tool_servers(const std::string& data_dir) {
    bool ok = false;
    json config = json::parse(read_file(stored_config_path(data_dir), ok), nullptr, false);
    if (!ok || !config.is_object() || !config.contains("tool_server") || !config["tool_server"].is_object())
        return std::nullopt;
    const auto& connections = config["tool_server"]["connections"];
    if (!connections.is_array()) return std::nullopt;
    return connections;
}

Handler make_webui_handler() {
    webui_init();
    return webui_route;
}

}  // namespace standin
