// The programs of the real images that ollama-stack runs inside containers, as far as it uses
// them: curl (Open WebUI's and mcpo's images have it; its exit codes 6, 7, 22, 28) and python3
// (Open WebUI's image; only ollama-stack's marked scripts, answered from the stand-in's state).
// The Ollama image has neither, like the real one.
#include "standin.hpp"

#include <fstream>
#include <iostream>

namespace standin {

int curl_cli(const std::vector<std::string>& args) {
    bool fail = false, silent = false, show_error = false;
    std::string output, url;
    int timeout_ms = 300000;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
        if (a == "-f" || a == "--fail") fail = true;
        else if (a == "-s" || a == "--silent") silent = true;
        else if (a == "-S" || a == "--show-error") show_error = true;
        else if (a == "-fsS" || a == "-sSf" || a == "-fs" || a == "-sf") {
            fail = a.find('f') != std::string::npos;
            silent = true;
            show_error = a.find('S') != std::string::npos;
        } else if (a == "-o" || a == "--output") output = value();
        else if (a == "-m" || a == "--max-time") timeout_ms = static_cast<int>(std::atof(value().c_str()) * 1000);
        else if (!a.empty() && a[0] == '-') {
            std::cerr << "curl: option " << a << ": is unknown (stand-in curl)\n";
            return 2;
        } else url = a;
    }
    if (url.empty()) {
        std::cerr << "curl: no URL specified\n";
        return 2;
    }
    auto say = [&](int code, const std::string& text) {
        if (!silent || show_error) std::cerr << "curl: (" << code << ") " << text << "\n";
        return code;
    };
    auto r = http_get(url, timeout_ms);
    if (r.status == 0) {
        if (r.error.find("resolve") != std::string::npos) return say(6, "Could not resolve host: " + r.error);
        if (r.error.find("timed out") != std::string::npos || r.error.find("timeout") != std::string::npos)
            return say(28, "Operation timed out: " + r.error);
        return say(7, "Failed to connect: " + r.error);
    }
    if (fail && r.status >= 400)
        return say(22, "The requested URL returned error: " + std::to_string(r.status));
    if (output.empty()) std::cout << r.body;
    else if (output != "/dev/null") std::ofstream(output, std::ios::binary) << r.body;
    return 0;
}

int python_cli(const std::vector<std::string>& args) {
    if (args.size() < 2 || args[0] != "-c") {
        std::cerr << "stand-in python3: only `python3 -c SCRIPT` is supported\n";
        return 2;
    }
    const std::string& script = args[1];
    if (script.rfind("# ollama-stack:webui-tool-servers", 0) == 0) {
        const char* env = std::getenv("TOOL_SERVER_CONNECTIONS");
        const std::string data = env_or("DATA_DIR", "/app/backend/data");
        auto stored = webui_stored_tool_servers(data);
        auto ollama_stored = webui_stored_ollama_urls(data);
        json out = {{"env", env ? json(env) : json(nullptr)},
                    {"stored", stored ? *stored : json(nullptr)},
                    {"ollama_stored", ollama_stored ? json(*ollama_stored) : json(nullptr)},
                    {"persistent", env_or("ENABLE_PERSISTENT_CONFIG", "True") != "False" &&
                                       env_or("ENABLE_PERSISTENT_CONFIG", "true") != "false"}};
        std::cout << out.dump() << std::endl;
        return 0;
    }
    std::cerr << "stand-in python3: this script is not one the stand-in knows\n";
    return 2;
}

}  // namespace standin
