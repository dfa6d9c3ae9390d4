// Reading HTTP off the wire: the pieces the server and the client share (http_wire.hpp).
#include "http_wire.hpp"

#include <cctype>
#include <sstream>

namespace standin {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

bool parse_head(const std::string& head, Request& req) {
    std::istringstream in(head);
    std::string line;
    if (!std::getline(in, line)) return false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto sp1 = line.find(' ');
    auto sp2 = line.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1) return false;
    req.method = line.substr(0, sp1);
    req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string version = line.substr(sp2 + 1);
    if (req.method.empty() || req.target.empty() || req.target.find(' ') != std::string::npos) return false;
    for (char c : req.method)
        if (c < 'A' || c > 'Z') return false;
    if (version == "HTTP/1.1") req.http11 = true;
    else if (version == "HTTP/1.0") req.http11 = false;
    else return false;
    if (req.target.front() != '/' && req.target != "*") {
        // absolute-form: keep only the path
        auto scheme = req.target.find("://");
        if (scheme == std::string::npos) return false;
        auto slash = req.target.find('/', scheme + 3);
        req.target = slash == std::string::npos ? "/" : req.target.substr(slash);
    }
    auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    req.query = q == std::string::npos ? "" : req.target.substr(q + 1);
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        auto colon = line.find(':');
        if (colon == 0 || colon == std::string::npos) return false;
        std::string name = line.substr(0, colon);
        if (name.find_first_of(" \t") != std::string::npos) return false;
        req.headers.emplace_back(lower(name), trim(std::string_view(line).substr(colon + 1)));
    }
    return true;
}

}  // namespace standin
