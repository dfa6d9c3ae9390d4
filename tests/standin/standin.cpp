// standin: one static HTTP server that stands in for Ollama, Open WebUI or mcpo in the
// end-to-end tests (no registry is reachable there). See README.md in this folder.
#include "standin.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace standin {
namespace {

Options g_options;
std::mutex g_log_mu;
char g_signal_message[128] = "standin: terminated by signal, exiting\n";

void write_line(std::FILE* f, std::string_view text) {
    std::lock_guard lock(g_log_mu);
    std::string line = "standin[" + (g_options.role.empty() ? std::string("?") : g_options.role) + "] ";
    line += text;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), f);
    std::fflush(f);
}

// PID 1 in a container ignores SIGTERM/SIGINT unless it handles them: exit 0 at once.
extern "C" void on_signal(int) {
    ssize_t ignored = ::write(STDOUT_FILENO, g_signal_message, std::strlen(g_signal_message));
    (void)ignored;
    ::_exit(0);
}

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

int usage(int code) {
    (code == 0 ? std::cout : std::cerr)
        << "usage: standin --role ollama|webui|mcpo|mcp-sse [--host ADDR] [--port N] [--data DIR]\n"
           "       standin --role mcpo --config PATH [--hot-reload] [other mcpo flags]\n"
           "       standin probe URL          (GET, 2 s timeout; exit 0 on 2xx)\n"
           "       standin inspect [PATH...]  (the container seen from inside, as JSON; see inspect.cpp)\n"
           "       curl [-fsS] [-o FILE] [-m SECS] URL, python3 -c SCRIPT   (through links of those names)\n"
           "       ollama [serve|list|ps|--version]   (invoked through an `ollama` link)\n"
           "The role also follows from argv[0]: ollama, open-webui/webui, mcpo.\n";
    return code;
}

bool parse_port(const std::string& v, int& out) {
    try {
        std::size_t used = 0;
        int p = std::stoi(v, &used);
        if (used != v.size() || p < 1 || p > 65535) return false;
        out = p;
        return true;
    } catch (...) {
        return false;
    }
}

// OLLAMA_HOST: "0.0.0.0", "0.0.0.0:11434", ":11434", "http://host:port".
void apply_ollama_host(Options& o) {
    std::string v = env_or("OLLAMA_HOST", "");
    for (std::string scheme : {"http://", "https://"})
        if (v.rfind(scheme, 0) == 0) v.erase(0, scheme.size());
    if (v.empty()) return;
    auto colon = v.rfind(':');
    if (colon != std::string::npos && v.find(']') == std::string::npos && v.find(':') == colon) {
        if (!parse_port(v.substr(colon + 1), o.port)) log_error("ignoring bad port in OLLAMA_HOST=" + v);
        v = v.substr(0, colon);
    }
    if (!v.empty()) o.host = v;
}

int probe(const std::vector<std::string>& args) {
    if (args.size() != 2) return usage(2);
    auto r = http_get(args[1], 2000);
    if (r.status == 0) {
        std::cerr << "probe " << args[1] << " failed: " << r.error << std::endl;
        return 1;
    }
    std::cout << "probe " << args[1] << " -> " << r.status << std::endl;
    return r.status >= 200 && r.status < 300 ? 0 : 1;
}

std::string base_name(const char* argv0) {
    std::string s = argv0 ? argv0 : "";
    auto slash = s.rfind('/');
    return slash == std::string::npos ? s : s.substr(slash + 1);
}

}  // namespace

const Options& options() { return g_options; }
void log_line(std::string_view text) { write_line(stdout, text); }
void log_error(std::string_view text) { write_line(stderr, text); }

std::string env_or(const char* name, std::string fallback) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : fallback;
}

long long env_number(const char* name, long long fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    long long n = std::strtoll(v, &end, 10);
    return *end == '\0' ? n : fallback;
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    auto ns = duration_cast<nanoseconds>(t.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
    long long frac = ns % 1000000000;
    if (frac < 0) { frac += 1000000000; --secs; }
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = buf;
    if (frac != 0) {
        char f[16];
        std::snprintf(f, sizeof f, ".%09lld", frac);
        std::string fs = f;
        while (fs.back() == '0') fs.pop_back();  // Go's RFC3339Nano trims trailing zeros
        out += fs;
    }
    return out + "Z";
}

std::string fake_sha256_hex(std::string_view data) {
    std::string out;
    for (uint64_t seed = 0; seed < 4; ++seed) {
        uint64_t h = 14695981039346656037ULL ^ (seed * 0x9E3779B97F4A7C15ULL);
        for (unsigned char c : data) h = (h ^ c) * 1099511628211ULL;
        h ^= h >> 29;
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
        out += buf;
    }
    return out;
}

}  // namespace standin

int main(int argc, char** argv) {
    using namespace standin;
    install_signal_handlers();
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::string> args(argv + 1, argv + argc);
    const std::string self = base_name(argc > 0 ? argv[0] : nullptr);
    // `docker run IMAGE standin probe URL` works whatever the image's entrypoint is.
    if (self == "nvidia-smi") return nvidia_smi(args);
    // The Ollama image holds the binary only as `ollama`: like the real image, no HTTP client.
    if (self == "ollama") {
        if (!args.empty() && (args[0] == "standin" || args[0] == "probe")) {
            std::cerr << "Error: unknown command \"" << args[0] << "\" for \"ollama\"\n";
            return 1;
        }
    } else {
        if (!args.empty() && args[0] == "standin") args.erase(args.begin());
        if (self == "curl") return curl_cli(args);
        if (self == "python3" || self == "python") return python_cli(args);
        if (self == "probe") args.insert(args.begin(), "probe");
        if (!args.empty() && args[0] == "probe") return probe(args);
        if (!args.empty() && args[0] == "inspect") return inspect_self(args);
    }
    if (!args.empty() && (args[0] == "--help" || args[0] == "help")) return usage(0);

    Options& o = g_options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--role" && i + 1 < args.size()) o.role = args[i + 1];
        else if (args[i].rfind("--role=", 0) == 0) o.role = args[i].substr(7);
    }
    if (o.role.empty()) {
        if (self == "ollama") o.role = "ollama";
        else if (self == "open-webui" || self == "webui") o.role = "webui";
        else if (self == "mcpo") o.role = "mcpo";
    }
    if (o.role == "ollama") {
        o.port = 11434;
        o.data_dir = "/root/.ollama";
        apply_ollama_host(o);
    } else if (o.role == "webui") {
        o.port = 8080;
        o.host = env_or("HOST", "0.0.0.0");
        o.data_dir = env_or("DATA_DIR", "/app/backend/data");
        if (auto p = env_or("PORT", ""); !p.empty() && !parse_port(p, o.port)) log_error("ignoring bad PORT=" + p);
    } else if (o.role == "mcpo") {
        o.port = 8000;
    } else if (o.role == "mcp-sse") {
        o.port = 8000;
    } else {
        std::cerr << "standin: no role: pass --role ollama|webui|mcpo or invoke as ollama, open-webui or mcpo\n";
        return usage(2);
    }

    if (o.role == "ollama" && !args.empty() &&
        (args[0] == "--version" || args[0] == "-v" || args[0] == "version" || args[0] == "list" || args[0] == "ls" ||
         args[0] == "ps"))
        return ollama_cli(args);

    std::vector<std::string> positional;
    const bool mcpo = o.role == "mcpo";
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i], value;
        bool has_value = false;
        if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = a.substr(eq + 1);
            a = a.substr(0, eq);
            has_value = true;
        }
        auto take = [&](std::string& out) {
            if (has_value) { out = value; return true; }
            if (i + 1 >= args.size()) return false;
            out = args[++i];
            return true;
        };
        std::string v;
        if (a == "--") {
            if (!mcpo) return usage(2);
            break;  // mcpo: the rest is a server command; the stand-in does not run it
        }
        if (a == "--role") { take(v); continue; }
        if (a == "--help" || (!mcpo && a == "-h")) return usage(0);
        if (a == "--host" || (mcpo && a == "-h")) {
            if (!take(o.host)) return usage(2);
        } else if (a == "--port" || (mcpo && a == "-p")) {
            if (!take(v) || !parse_port(v, o.port)) {
                std::cerr << "standin: invalid --port value '" << v << "'\n";
                return 2;
            }
        } else if (a == "--data") {
            if (!take(o.data_dir)) return usage(2);
        } else if (mcpo && (a == "--config" || a == "-c")) {
            if (!take(o.config_path)) return usage(2);
        } else if (mcpo && a == "--hot-reload") {
            o.hot_reload = true;
        } else if (mcpo && a == "--strict-auth") {
        } else if (mcpo && a.size() > 1 && a[0] == '-') {
            // any other mcpo flag (--api-key K, --cors-allow-origins X, -e K=V, ...): skip its value
            if (!has_value && i + 1 < args.size() && args[i + 1].rfind("-", 0) != 0) ++i;
        } else if (a.rfind("-", 0) == 0 && a != "-") {
            std::cerr << "standin: unknown flag " << a << " for role " << o.role << "\n";
            return usage(2);
        } else {
            positional.push_back(args[i]);
        }
    }
    if (o.role == "ollama" && !positional.empty() && positional[0] != "serve") return ollama_cli(positional);
    if (positional.size() > (o.role == "ollama" ? 1u : 0u)) {
        std::cerr << "standin: unexpected argument '" << positional.back() << "'\n";
        return usage(2);
    }
    o.fail_health = env_number("STANDIN_FAIL_HEALTH", 0) != 0;
    std::snprintf(g_signal_message, sizeof g_signal_message, "standin[%s] terminated by signal, exiting 0\n",
                  o.role.c_str());

    if (auto after = env_number("STANDIN_EXIT_AFTER_MS", -1); after >= 0) {
        const int code = static_cast<int>(env_number("STANDIN_EXIT_CODE", 1));
        std::thread([=] {
            std::this_thread::sleep_until(started + std::chrono::milliseconds(after));
            log_error("exiting with code " + std::to_string(code) + " (STANDIN_EXIT_AFTER_MS=" + std::to_string(after) + ")");
            std::fflush(stdout);
            ::_exit(code);
        }).detach();
    }
    log_line("starting (pid " + std::to_string(::getpid()) + ")");
    if (o.role == "ollama") {  // a (re)started container has its GPUs again
        std::error_code ignored;
        std::filesystem::remove(kGpuLostMarker, ignored);
    }
    if (env_number("STANDIN_LEVEL_LINES", 0) != 0) print_level_samples(o.role);
    const long long chatty = env_number("STANDIN_CHATTY_LINES", 0);
    for (long long n = 1; n <= chatty; ++n) {
        std::string text = "chatty line " + std::to_string(n) + "/" + std::to_string(chatty);
        if (n % 2) log_line(text + " (stdout)");
        else log_error(text + " (stderr)");
    }
    if (auto delay = env_number("STANDIN_START_DELAY_MS", 0); delay > 0) {
        // Like Open WebUI's first start (migrations, model downloads): a log line now and then.
        log_line("slow start: waiting " + std::to_string(delay) + " ms before listening");
        const auto ready = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay);
        for (int step = 1;; ++step) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(ready - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(left, std::chrono::milliseconds(2000)));
            if (std::chrono::steady_clock::now() < ready)
                log_line("slow start: step " + std::to_string(step) + ", still preparing (" +
                         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(ready - std::chrono::steady_clock::now()).count()) +
                         " s left)");
        }
    }
    try {
        Handler handler = o.role == "ollama" ? make_ollama_handler()
                          : o.role == "webui" ? make_webui_handler()
                          : o.role == "mcp-sse" ? make_mcp_sse_handler()
                                              : make_mcpo_handler(o.hot_reload);
        return serve(o.host, o.port, handler);
    } catch (const std::exception& e) {
        log_error(std::string("fatal: ") + e.what());
        return 1;
    }
}
