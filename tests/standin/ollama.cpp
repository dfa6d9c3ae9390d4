// The Ollama stand-in: the REST API shapes of ollama/ollama (docs/api.md, server/routes.go) over
// a small built-in catalogue of models, kept on disk in Ollama's own layout so that a Docker
// volume really persists them:
//   <models>/manifests/registry.ollama.ai/library/<model>/<tag>   (manifest JSON)
//   <models>/blobs/sha256-<hex>                                   (layer contents, a few KB)
// <models> is $OLLAMA_MODELS, else <data dir>/models.
#include "ollama_store.hpp"
#include "standin.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace standin {
namespace {

// Loaded models for /api/ps: name → expiry, when an unload asked for finishes, and whether it
// went to GPU memory. Ollama's scheduler unloads in the background, so /api/ps lists the model a
// moment longer.
struct Loaded {
    SysClock::time_point expires;
    SysClock::time_point gone;
    bool on_gpu = false;
};

// Whether a model loaded now lands in GPU memory: with STANDIN_GPU=1, or when the engine gave the
// container NVIDIA GPUs (moby's nvidia driver sets NVIDIA_VISIBLE_DEVICES in the process's
// environment; the stand-in image does not set it itself) — and not while the GPU is lost, when
// Ollama's GPU discovery fails and it loads on the CPU. A model already loaded keeps its place.
bool gpu_visible() {
    const std::string devices = env_or("NVIDIA_VISIBLE_DEVICES", "");
    const bool given = env_number("STANDIN_GPU", 0) != 0 || (!devices.empty() && devices != "void" && devices != "none");
    std::error_code ignored;
    return given && !std::filesystem::exists(kGpuLostMarker, ignored);
}
std::mutex loaded_mu;
std::map<std::string, Loaded> loaded;

// keep_alive: a number of seconds or a Go duration ("5m", "1h30m", "500ms"); negative = forever.
std::optional<SysClock::duration> parse_keep_alive(const json& v) {
    using namespace std::chrono;
    if (v.is_number())
        return duration_cast<SysClock::duration>(duration<double>(std::clamp(v.get<double>(), -1e9, 1e9)));
    if (!v.is_string()) return std::nullopt;
    std::string s = v.get<std::string>();
    if (s.empty()) return std::nullopt;
    std::size_t pos = 0;
    double total = 0;
    bool negative = s[0] == '-';
    if (negative) pos = 1;
    while (pos < s.size()) {
        std::size_t used = 0;
        double n = 0;
        try { n = std::stod(s.substr(pos), &used); } catch (...) { return std::nullopt; }
        pos += used;
        std::string unit;
        while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) unit += s[pos++];
        if (unit.empty() && n != 0) return std::nullopt;  // Go: only "0" needs no unit
        if (unit.empty() || unit == "s") total += n;
        else if (unit == "ms") total += n / 1000;
        else if (unit == "m") total += n * 60;
        else if (unit == "h") total += n * 3600;
        else return std::nullopt;
    }
    total = std::min(total, 1e9);  // ~31 years; keeps the nanosecond clock from overflowing
    return duration_cast<SysClock::duration>(duration<double>(negative ? -total : total));
}

std::string str_field(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Parses a JSON object body; answers 400 like Ollama and returns nullopt when it is not one.
std::optional<json> object_body(const Request& req, Responder& res) {
    if (req.body.empty()) {
        send_error(res, 400, "missing request body");
        return std::nullopt;
    }
    json j = json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        send_error(res, 400, "invalid request body: expected a JSON object");
        return std::nullopt;
    }
    return j;
}

bool wants_stream(const json& body) {
    auto it = body.find("stream");
    return !(it != body.end() && it->is_boolean() && !it->get<bool>());
}

void send_line(Responder& res, const json& j) { res.write_chunk(j.dump() + "\n"); }

void handle_pull(const Request& req, Responder& res) {
    auto body = object_body(req, res);
    if (!body) return;
    std::string raw = str_field(*body, "model");
    if (raw.empty()) raw = str_field(*body, "name");
    if (raw.empty()) return send_error(res, 400, "invalid model name");
    const bool stream = wants_stream(*body);
    const Model* model = find_in_catalogue(normalize(raw));
    const auto pull_ms = std::max<long long>(0, env_number("STANDIN_PULL_MS", 800));
    const std::string not_found = "pull model manifest: file does not exist";
    if (stream) res.begin_stream(200, "application/x-ndjson");
    auto emit = [&](const json& line) {
        if (stream) send_line(res, line);
        return res.healthy();
    };
    if (!model) {
        // Ollama streams "pulling manifest" first, so the error arrives inside a 200 stream;
        // without streaming it is a plain 500.
        if (!stream) return send_error(res, 500, not_found);
        emit({{"status", "pulling manifest"}});
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long long>(pull_ms / 10, 100)));
        emit({{"error", not_found}});
        res.end_stream();
        return;
    }
    auto layers = layers_for(*model);
    int ticks = 1;
    for (std::size_t i = 0; i < layers.size(); ++i) ticks += i == 0 ? 9 : 3;
    const auto tick = std::chrono::milliseconds(pull_ms / ticks);
    if (!emit({{"status", "pulling manifest"}})) return;
    std::this_thread::sleep_for(tick);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const auto& l = layers[i];
        const std::size_t steps = i == 0 ? 8 : 2, total = l.content.size();
        for (std::size_t k = 0; k <= steps; ++k) {
            json line = {{"status", "pulling " + l.digest.substr(7, 12)}, {"digest", l.digest}, {"total", total}};
            if (k > 0) line["completed"] = total * k / steps;  // Ollama omits a zero "completed"
            if (!emit(line)) return;                           // client gone: nothing is saved
            std::this_thread::sleep_for(tick);
        }
        try {
            store().write_blob(l);
        } catch (const std::exception& e) {
            if (!stream) return send_error(res, 500, e.what());
            emit({{"error", e.what()}});
            res.end_stream();
            return;
        }
    }
    if (!emit({{"status", "verifying sha256 digest"}})) return;
    if (!emit({{"status", "writing manifest"}})) return;
    try {
        store().write_manifest(*model, layers);
    } catch (const std::exception& e) {
        if (!stream) return send_error(res, 500, e.what());
        emit({{"error", e.what()}});
        res.end_stream();
        return;
    }
    if (!stream) return res.send_json(200, {{"status", "success"}});
    emit({{"status", "success"}});
    res.end_stream();
}

void handle_show(const Request& req, Responder& res) {
    auto body = object_body(req, res);
    if (!body) return;
    std::string raw = str_field(*body, "model");
    if (raw.empty()) raw = str_field(*body, "name");
    if (raw.empty()) return send_error(res, 400, "model is required");
    auto s = store().get(normalize(raw));
    if (!s) return send_error(res, 404, "model '" + raw + "' not found");
    const Model& m = *s->model;
    auto layers = layers_for(m);
    std::string modelfile = "# Modelfile generated by \"ollama show\"\n# To build a new Modelfile based on this, "
                            "replace FROM with:\n# FROM " + m.name + "\n\nFROM " +
                            store().blob_path(layers[0].digest).string() + "\nTEMPLATE \"\"\"" +
                            template_for(m.family) + "\"\"\"\nPARAMETER num_ctx " +
                            std::to_string(m.context_length) + "\nPARAMETER stop \"<|user|>\"\n"
                            "PARAMETER temperature 0.7\nLICENSE \"\"\"Stand-in test model; no rights reserved.\"\"\"\n";
    json info = {{"general.architecture", m.family}, {"general.file_type", 2},
                 {"general.parameter_count", m.model_bytes * 200}, {"general.quantization_version", 2},
                 {m.family + ".context_length", m.context_length}, {m.family + ".embedding_length", 64},
                 {m.family + ".block_count", 2}, {"tokenizer.ggml.model", "gpt2"}};
    res.send_json(200, {{"license", "Stand-in test model; no rights reserved."},
                        {"modelfile", modelfile},
                        {"parameters", params_for(m)},
                        {"template", template_for(m.family)},
                        {"details", details_json(m)},
                        {"model_info", info},
                        {"capabilities", {"completion"}},
                        {"modified_at", s->modified_at()}});
}

void handle_delete(const Request& req, Responder& res) {
    auto body = object_body(req, res);
    if (!body) return;
    std::string raw = str_field(*body, "model");
    if (raw.empty()) raw = str_field(*body, "name");
    if (raw.empty()) return send_error(res, 400, "invalid model name");
    std::string name = normalize(raw);
    if (!store().remove(name)) return send_error(res, 404, "model '" + raw + "' not found");
    {
        std::lock_guard lock(loaded_mu);
        loaded.erase(name);
    }
    res.send(200, "", "");
}

// /api/generate and /api/chat: a short canned reply; the model counts as loaded for /api/ps.
void handle_generate(const Request& req, Responder& res, bool chat) {
    auto body = object_body(req, res);
    if (!body) return;
    std::optional<SysClock::duration> keep;
    if (body->contains("keep_alive")) {
        // Ollama decodes keep_alive with the request: a bad one is a 400 (api/types.go)
        keep = parse_keep_alive((*body)["keep_alive"]);
        if (!keep) return send_error(res, 400, "time: invalid duration " + (*body)["keep_alive"].dump());
    }
    std::string raw = str_field(*body, "model");
    if (raw.empty()) return send_error(res, 400, "model is required");
    std::string name = normalize(raw);
    if (!store().get(name)) return send_error(res, 404, "model '" + raw + "' not found");
    // Only a keep_alive 0 in the request takes Ollama's unload path; the server's default of 0
    // loads the model and lets it expire at once.
    const bool asked_unload = keep && *keep == SysClock::duration::zero();
    if (!keep) keep = parse_keep_alive(json(env_or("OLLAMA_KEEP_ALIVE", "5m")));
    if (!keep) keep = std::chrono::minutes(5);
    bool empty = chat ? !(body->contains("messages") && (*body)["messages"].is_array() && !(*body)["messages"].empty())
                      : str_field(*body, "prompt").empty();
    std::string done_reason = "stop";
    {
        std::lock_guard lock(loaded_mu);
        const auto now = SysClock::now();
        if (*keep == SysClock::duration::zero()) {
            if (auto it = loaded.find(name); it != loaded.end())
                it->second = {now, now + std::chrono::milliseconds(env_number("STANDIN_UNLOAD_MS", 300)),
                              it->second.on_gpu};
            if (empty) done_reason = asked_unload ? "unload" : "load";
        } else {
            // "forever" (negative keep_alive), kept within the nanosecond clock's range
            auto expires = *keep < SysClock::duration::zero() ? now + std::chrono::hours(24 * 365 * 200) : now + *keep;
            auto it = loaded.find(name);
            const bool on_gpu = it != loaded.end() && it->second.gone > now ? it->second.on_gpu : gpu_visible();
            loaded[name] = {expires, expires, on_gpu};
            if (empty) done_reason = "load";
        }
    }
    std::string text = done_reason == "stop" ? "This is a stand-in reply from " + name + "." : "";
    auto piece = [&](const std::string& t, bool done) {
        json j = {{"model", name}, {"created_at", rfc3339(SysClock::now())}};
        if (chat) j["message"] = {{"role", "assistant"}, {"content", t}};
        else j["response"] = t;
        j["done"] = done;
        if (done) {
            j["done_reason"] = done_reason;
            if (done_reason == "stop") {
                if (!chat) j["context"] = {1, 2, 3};
                j.update({{"total_duration", 12000000}, {"load_duration", 1000000}, {"prompt_eval_count", 8},
                          {"prompt_eval_duration", 2000000}, {"eval_count", 9}, {"eval_duration", 9000000}});
            }
        }
        return j;
    };
    if (!wants_stream(*body) || done_reason != "stop") return res.send_json(200, piece(text, true));
    res.begin_stream(200, "application/x-ndjson");
    std::istringstream words(text);
    std::string w, sep;
    while (words >> w && res.healthy()) {
        send_line(res, piece(sep + w, false));
        sep = " ";
    }
    send_line(res, piece("", true));
    res.end_stream();
}

json tags_entry(const Stored& s) {
    return {{"name", s.model->name}, {"model", s.model->name}, {"modified_at", s.modified_at()},
            {"size", s.size()}, {"digest", s.digest()}, {"details", details_json(*s.model)}};
}

json ps_json() {
    struct Listed {
        std::string name;
        SysClock::time_point expires;
        bool on_gpu;
    };
    std::vector<Listed> now_loaded;
    {
        std::lock_guard lock(loaded_mu);
        auto now = SysClock::now();
        for (auto it = loaded.begin(); it != loaded.end();)
            it = it->second.gone <= now ? loaded.erase(it) : std::next(it);
        for (const auto& [name, state] : loaded) now_loaded.push_back({name, state.expires, state.on_gpu});
    }
    std::sort(now_loaded.begin(), now_loaded.end(), [](auto& a, auto& b) { return a.expires > b.expires; });
    json models = json::array();
    for (const auto& [name, expires, gpu] : now_loaded) {
        auto s = store().get(name);
        if (!s) continue;
        models.push_back({{"name", name}, {"model", name}, {"size", s->size()}, {"digest", s->digest()},
                          {"details", details_json(*s->model)}, {"expires_at", rfc3339(expires)},
                          {"size_vram", gpu ? s->size() : 0}, {"context_length", s->model->context_length}});
    }
    return {{"models", models}};
}

void route(const Request& req, Responder& res) {
    const auto& p = req.path;
    const bool fail = options().fail_health;
    if (p == "/") {
        if (!allow_methods(req, res, {"GET"})) return;
        if (fail) return res.send(500, "text/plain; charset=utf-8", "standin: unhealthy (STANDIN_FAIL_HEALTH=1)");
        return res.send(200, "text/plain; charset=utf-8", "Ollama is running");
    }
    if (p == "/api/version") {
        if (!allow_methods(req, res, {"GET"})) return;
        if (fail) return send_error(res, 500, "standin: unhealthy (STANDIN_FAIL_HEALTH=1)");
        return res.send_json(200, {{"version", "0.0.0-standin"}});
    }
    if (p == "/api/tags") {
        if (!allow_methods(req, res, {"GET"})) return;
        json models = json::array();
        for (const auto& s : store().list()) models.push_back(tags_entry(s));
        return res.send_json(200, {{"models", models}});
    }
    if (p == "/api/ps") return allow_methods(req, res, {"GET"}) ? res.send_json(200, ps_json()) : void();
    if (p == "/api/show") return allow_methods(req, res, {"POST"}) ? handle_show(req, res) : void();
    if (p == "/api/pull") return allow_methods(req, res, {"POST"}) ? handle_pull(req, res) : void();
    if (p == "/api/delete") return allow_methods(req, res, {"DELETE"}) ? handle_delete(req, res) : void();
    if (p == "/api/generate") return allow_methods(req, res, {"POST"}) ? handle_generate(req, res, false) : void();
    if (p == "/api/chat") return allow_methods(req, res, {"POST"}) ? handle_generate(req, res, true) : void();
    send_error(res, 404, "404 page not found");
}

}  // namespace

Handler make_ollama_handler() {
    std::error_code ec;
    fs::create_directories(store().root() / "manifests", ec);
    fs::create_directories(store().root() / "blobs", ec);
    if (ec) log_error("cannot create " + store().root().string() + ": " + ec.message());
    return route;
}

int ollama_cli(const std::vector<std::string>& args) {
    const std::string cmd = args.empty() ? "" : args[0];
    if (cmd == "--version" || cmd == "-v" || cmd == "version") {
        std::cout << "ollama version is 0.0.0-standin" << std::endl;
        return 0;
    }
    if (cmd != "list" && cmd != "ls" && cmd != "ps") {
        std::cerr << "Error: unknown command \"" << cmd << "\" for \"ollama\" (stand-in knows serve, list, ps, --version)"
                  << std::endl;
        return 1;
    }
    // Like the real client: OLLAMA_HOST names the server, 0.0.0.0 meaning this machine.
    std::string host = env_or("OLLAMA_HOST", "127.0.0.1:11434");
    if (host.rfind("http://", 0) == 0) host.erase(0, 7);
    if (host.find(':') == std::string::npos) host += ":11434";
    if (host.rfind("0.0.0.0", 0) == 0) host.replace(0, 7, "127.0.0.1");
    if (host.front() == ':') host = "127.0.0.1" + host;
    auto r = http_get("http://" + host + (cmd == "ps" ? "/api/ps" : "/api/tags"), 2000);
    if (r.status != 200) {
        std::cerr << "Error: " << (r.status ? "HTTP " + std::to_string(r.status) + ": " + r.body : r.error) << std::endl;
        return 1;
    }
    json j = json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.contains("models") || !j["models"].is_array()) {
        std::cerr << "Error: unexpected answer from the server" << std::endl;
        return 1;
    }
    std::printf("%-28s %-14s %-10s %s\n", "NAME", "ID", "SIZE", cmd == "ps" ? "UNTIL" : "MODIFIED");
    for (const auto& m : j["models"]) {
        if (!m.is_object()) continue;
        std::printf("%-28s %-14s %-10s %s\n", str_field(m, "name").c_str(), str_field(m, "digest").substr(0, 12).c_str(),
                    (std::to_string((m.contains("size") && m["size"].is_number() ? m["size"].get<long long>() : 0) / 1024) + " KB").c_str(),
                    str_field(m, cmd == "ps" ? "expires_at" : "modified_at").c_str());
    }
    std::fflush(stdout);
    return 0;
}

}  // namespace standin
