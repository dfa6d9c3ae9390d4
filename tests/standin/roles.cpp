// The Open WebUI and mcpo stand-ins.
#include "standin.hpp"

#include <algorithm>
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
    std::vector<std::string> ollama_urls;  // OLLAMA_BASE_URLS as it uses it
    std::string ollama_urls_source;        // "env" or "database"
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

// Open WebUI's OLLAMA_BASE_URLS (backend/open_webui/config.py): the `;`-separated environment
// variable when not empty, else OLLAMA_BASE_URL, each stripped; a PersistentConfig
// ("ollama.base_urls") like the tool servers, so a list an admin saved wins.
void load_ollama_urls(WebuiState& st) {
    std::string urls = env_or("OLLAMA_BASE_URLS", "");
    if (urls.empty()) urls = env_or("OLLAMA_BASE_URL", "");
    std::vector<std::string> seeded;
    size_t start = 0;
    while (start <= urls.size()) {
        const size_t end = std::min(urls.find(';', start), urls.size());
        std::string url = urls.substr(start, end - start);
        url.erase(0, url.find_first_not_of(" \t"));
        url.erase(url.find_last_not_of(" \t") + 1);
        seeded.push_back(url);
        start = end + 1;
    }
    const bool persistent = env_or("ENABLE_PERSISTENT_CONFIG", "True") != "False" &&
                            env_or("ENABLE_PERSISTENT_CONFIG", "true") != "false";
    auto stored = webui_stored_ollama_urls(options().data_dir);
    if (stored && persistent) {
        log_line("'OLLAMA_BASE_URLS' loaded from the latest database entry");
        st.ollama_urls = *stored;
        st.ollama_urls_source = "database";
    } else {
        st.ollama_urls = seeded;
        st.ollama_urls_source = "env";
    }
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
    load_ollama_urls(st);
}

// Stores `section.field` in the persistent config (Open WebUI's database), as an admin's save
// does; returns why it could not ("" when stored). The caller holds the state's mutex.
std::string store_setting(const char* section, const char* field, const json& value) {
    const auto path = stored_config_path(options().data_dir);
    bool existed = false;
    json config = json::parse(read_file(path, existed), nullptr, false);
    if (!config.is_object()) config = json::object();
    config[section][field] = value;
    return write_file(path, config.dump(2)) ? std::string() : "cannot write " + path.string();
}

// POST /ollama/config/update (an admin saving the Ollama connections): stored, then used.
void save_ollama_urls(const Request& req, Responder& res) {
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("OLLAMA_BASE_URLS") || !body["OLLAMA_BASE_URLS"].is_array())
        return send_error(res, 422, "body must be {\"OLLAMA_BASE_URLS\": [...]}");
    auto& st = webui_state();
    std::lock_guard lock(st.mutex);
    if (auto error = store_setting("ollama", "base_urls", body["OLLAMA_BASE_URLS"]); !error.empty())
        return send_error(res, 500, error);
    st.ollama_urls = body["OLLAMA_BASE_URLS"].get<std::vector<std::string>>();
    st.ollama_urls_source = "database";
    log_line("Saving 'OLLAMA_BASE_URLS' to the database");
    res.send_json(200, {{"ENABLE_OLLAMA_API", true}, {"OLLAMA_BASE_URLS", st.ollama_urls}});
}

std::vector<std::string> ollama_urls() {
    auto& st = webui_state();
    std::lock_guard lock(st.mutex);
    return st.ollama_urls;
}

// GET `path` (with the query) on Ollama at `base`; 500 "Server Connection Error" when unreachable.
void forward_get(const std::string& base_url, const std::string& rest, const Request& req, Responder& res) {
    std::string base = base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    auto r = http_get(base + (rest.empty() ? "/" : rest) + (req.query.empty() ? "" : "?" + req.query), 3000);
    if (r.status == 0) return send_error(res, 500, "Open WebUI: Server Connection Error (" + r.error + ")");
    return res.send(r.status, r.body.rfind('{', 0) == 0 ? "application/json" : "text/plain; charset=utf-8", r.body);
}

// /ollama/api/tags: every server's models merged, each with the indexes of the servers that have
// it ("urls"), as Open WebUI's merge_ollama_models_lists does; a server that fails is left out.
void merged_tags(Responder& res) {
    const auto urls = ollama_urls();
    std::vector<json> models;
    for (size_t index = 0; index < urls.size(); ++index) {
        std::string base = urls[index];
        while (!base.empty() && base.back() == '/') base.pop_back();
        auto r = http_get(base + "/api/tags", 3000);
        auto answer = json::parse(r.body, nullptr, false);
        if (r.status != 200 || !answer.is_object() || !answer["models"].is_array()) continue;
        for (auto model : answer["models"]) {
            auto same = std::find_if(models.begin(), models.end(),
                                     [&](const json& m) { return m["model"] == model["model"]; });
            if (same != models.end()) {
                (*same)["urls"].push_back(index);
            } else {
                model["urls"] = json::array({index});
                models.push_back(model);
            }
        }
    }
    res.send_json(200, {{"models", models}});
}

// POST /api/v1/configs/tool_servers (an admin saving the list in the UI): stored, then used.
void save_tool_servers(const Request& req, Responder& res) {
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("TOOL_SERVER_CONNECTIONS") || !body["TOOL_SERVER_CONNECTIONS"].is_array())
        return send_error(res, 422, "body must be {\"TOOL_SERVER_CONNECTIONS\": [...]}");
    auto& st = webui_state();
    std::lock_guard lock(st.mutex);
    if (auto error = store_setting("tool_server", "connections", body["TOOL_SERVER_CONNECTIONS"]); !error.empty())
        return send_error(res, 500, error);
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
                                                  {"ollama_base_urls", st.ollama_urls},
                                                  {"ollama_base_urls_source", st.ollama_urls_source},
                                                  {"secret_key_fingerprint", st.secret_fingerprint},
                                                  {"secret_key_source", st.secret_source},
                                                  {"db_created", st.db_created},
                                                  {"tool_servers_source", st.tool_servers_source},
                                                  {"tool_servers", st.tool_servers}}}});
    }
    // Open WebUI's Ollama router (backend/open_webui/routers/ollama.py): its connections, one
    // server by index (/api/version/{url_idx}, /api/tags/{url_idx}), every server's models merged.
    if (p == "/ollama/config") {
        if (!allow_methods(req, res, {"GET"})) return;
        return res.send_json(200, {{"ENABLE_OLLAMA_API", true}, {"OLLAMA_BASE_URLS", ollama_urls()}});
    }
    if (p == "/ollama/config/update") {
        return allow_methods(req, res, {"POST"}) ? save_ollama_urls(req, res) : void();
    }
    for (const std::string route : {"/ollama/api/version/", "/ollama/api/tags/"}) {
        if (p.rfind(route, 0) != 0) continue;
        if (!allow_methods(req, res, {"GET"})) return;
        const auto urls = ollama_urls();
        const std::string index_text = p.substr(route.size());
        const bool numeric = !index_text.empty() && index_text.size() < 4 &&
                             index_text.find_first_not_of("0123456789") == std::string::npos;
        if (!numeric || std::stoul(index_text) >= urls.size())
            return send_error(res, 404, "Open WebUI: no Ollama connection " + index_text);
        return forward_get(urls[std::stoul(index_text)], route.substr(7, route.size() - 8), req, res);
    }
    if (p == "/ollama/api/tags") {
        return allow_methods(req, res, {"GET"}) ? merged_tags(res) : void();
    }
    // Any other /ollama/* GET goes to the first server: it really reaches Ollama.
    if (p == "/ollama" || p.rfind("/ollama/", 0) == 0) {
        if (!allow_methods(req, res, {"GET"})) return;
        const auto urls = ollama_urls();
        return forward_get(urls.empty() || urls.front().empty() ? "http://localhost:11434" : urls.front(),
                           p.substr(7), req, res);
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

std::optional<std::vector<std::string>> webui_stored_ollama_urls(const std::string& data_dir) {
    bool ok = false;
    json config = json::parse(read_file(stored_config_path(data_dir), ok), nullptr, false);
    if (!ok || !config.is_object() || !config.contains("ollama") || !config["ollama"].is_object())
        return std::nullopt;
    const auto& urls = config["ollama"]["base_urls"];
    if (!urls.is_array() || !std::all_of(urls.begin(), urls.end(), [](const json& u) { return u.is_string(); }))
        return std::nullopt;
    return urls.get<std::vector<std::string>>();
}

Handler make_webui_handler() {
    webui_init();
    return webui_route;
}

}  // namespace standin
