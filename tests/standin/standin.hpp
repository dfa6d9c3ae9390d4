// Stand-in services for the end-to-end tests: one small static HTTP server that answers like
// Ollama, Open WebUI or mcpo. Shared declarations of the HTTP layer and the roles.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace standin {

using json = nlohmann::ordered_json;  // keys in insertion order, like Go structs
using Headers = std::vector<std::pair<std::string, std::string>>;

// ---- process-wide settings ---------------------------------------------------------------

struct Options {
    std::string role;          // "ollama" | "webui" | "mcpo" | "mcp-sse"
    std::string host = "0.0.0.0";
    int port = 0;
    std::string data_dir;
    std::string config_path;   // mcpo --config
    bool fail_health = false;  // STANDIN_FAIL_HEALTH=1
    bool hot_reload = false;   // mcpo --hot-reload
};

const Options& options();

// One flushed line to stdout (or stderr), prefixed with "standin[ROLE] ". Thread-safe.
void log_line(std::string_view text);
void log_error(std::string_view text);

std::string env_or(const char* name, std::string fallback);
long long env_number(const char* name, long long fallback);

// RFC 3339 with nanoseconds in UTC, the way Go prints a time.Time in JSON.
std::string rfc3339(std::chrono::system_clock::time_point t);
// A deterministic 64-hex-digit string standing in for a SHA-256 digest of `data`.
std::string fake_sha256_hex(std::string_view data);

// ---- HTTP server ---------------------------------------------------------------------------

struct Request {
    std::string method;
    std::string target;  // as sent: path plus query
    std::string path;
    std::string query;
    bool http11 = true;
    Headers headers;     // names lower-cased
    std::string body;

    std::optional<std::string> header(std::string_view lower_name) const;
};

class Responder {
public:
    Responder(int fd, bool head_only, bool http11, bool keep_alive);

    void send(int status, std::string_view content_type, std::string_view body,
              const Headers& extra = {});
    void send_json(int status, const json& body, const Headers& extra = {});
    // Chunked streaming (HTTP/1.1); for an HTTP/1.0 client the body is written raw and the
    // connection closed. Each call returns false once the peer has gone.
    bool begin_stream(int status, std::string_view content_type);
    bool write_chunk(std::string_view data);
    bool end_stream();

    bool sent() const { return status_ != 0; }
    int status() const { return status_; }
    bool healthy() const { return !broken_; }
    bool keep_alive() const { return keep_alive_; }

private:
    bool write_all(std::string_view data);
    std::string status_line_and_headers(int status, std::string_view content_type,
                                        const Headers& extra) const;

    int fd_;
    bool head_only_;
    bool http11_;
    bool keep_alive_;
    bool streaming_ = false;
    bool broken_ = false;
    int status_ = 0;
};

using Handler = std::function<void(const Request&, Responder&)>;

// Binds host:port, logs "listening on", then serves forever (a thread per connection).
// Returns only on a bind/listen failure, with the exit code to use.
int serve(const std::string& host, int port, const Handler& handler);

// Sends the role's error body: {"error": msg} for ollama, {"detail": msg} for the others.
void send_error(Responder& res, int status, const std::string& message);
// True when req.method is in `methods` (GET admits HEAD); otherwise answers 405 and returns false.
bool allow_methods(const Request& req, Responder& res, std::initializer_list<std::string_view> methods);

// ---- HTTP client (probe, `ollama list`, the webui's /ollama proxy) -------------------------

struct HttpResult {
    int status = 0;        // 0 when no HTTP answer arrived
    std::string body;
    std::string error;     // why there is no answer
};

HttpResult http_get(const std::string& url, int timeout_ms);

// ---- roles -----------------------------------------------------------------------------------

Handler make_ollama_handler();
Handler make_webui_handler();
Handler make_mcpo_handler(bool hot_reload);  // exits 1 when the config cannot be served
Handler make_mcp_sse_handler();  // role mcp-sse: an extension's MCP server over SSE

// Open WebUI's tool servers as its database holds them after an admin saved them (DATA_DIR's
// standin-config.json, the shape of Open WebUI's config row: {"tool_server": {"connections"}}).
std::optional<json> webui_stored_tool_servers(const std::string& data_dir);
// The OLLAMA_BASE_URLS an admin saved (the stand-in's "ollama.base_urls"), if any.
std::optional<std::vector<std::string>> webui_stored_ollama_urls(const std::string& data_dir);

// `curl` (the subset ollama-stack and the healthchecks use: -f -s -S -o FILE -m/--max-time N
// URL) and `python3 -c SCRIPT` (only ollama-stack's own marked scripts) inside the images that
// have them. Return the exit code.
int curl_cli(const std::vector<std::string>& args);
int python_cli(const std::vector<std::string>& args);

// `ollama list|ls|ps|--version` inside the stand-in ollama image. Returns the exit code.
int ollama_cli(const std::vector<std::string>& args);

// `standin inspect [PATH...]`: the container seen from inside, as JSON (inspect.cpp).
int inspect_self(const std::vector<std::string>& args);

// `nvidia-smi [-L]` (nvidia_smi.cpp); fails with the NVML error while kGpuLostMarker exists.
int nvidia_smi(const std::vector<std::string>& args);
extern const char* const kGpuLostMarker;

// STANDIN_LEVEL_LINES=1: lines of every level in the role's upstream log format (log_formats.cpp).
void print_level_samples(const std::string& role);

}  // namespace standin
