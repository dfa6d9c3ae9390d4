// The stand-in's HTTP/1.1 server: POSIX sockets, a thread per connection (the client that probes
// other services is http_client.cpp; what both read off the wire is http_wire.hpp).
#include "http_wire.hpp"
#include "standin.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <random>
#include <sstream>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

namespace standin {
namespace {
const char* reason(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 201: return "Created";
        case 204: return "No Content";
        case 400: return "Bad Request";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 413: return "Payload Too Large";
        case 422: return "Unprocessable Entity";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        default: return "Unknown";
    }
}

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 300)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return out;
}

bool has_token(const std::string& value, std::string_view token) {
    std::istringstream in(lower(value));
    std::string part;
    while (std::getline(in, part, ','))
        if (trim(part) == token) return true;
    return false;
}

void send_raw(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

void reject(int fd, int status, const std::string& message) {
    Responder res(fd, false, true, false);
    send_error(res, status, message);
    log_line("- " + std::string("(malformed request) -> ") + std::to_string(status));
}

void handle_connection(int fd, Handler handler) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval tv{};
    tv.tv_sec = 60;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    Reader reader(fd);
    for (;;) {
        std::string head;
        auto r = reader.read_until("\r\n\r\n", kMaxHead, head);
        if (r == Reader::Result::too_large) {
            reject(fd, 431, "request header too large");
            break;
        }
        if (r != Reader::Result::ok) break;
        while (head.rfind("\r\n", 0) == 0) head.erase(0, 2);  // stray CRLFs before a request
        Request req;
        if (!parse_head(head, req)) {
            reject(fd, 400, "malformed request");
            break;
        }
        bool keep_alive = req.http11;
        if (auto c = req.header("connection"); c && has_token(*c, "close")) keep_alive = false;

        auto te = req.header("transfer-encoding");
        auto cl = req.header("content-length");
        if (te && lower(*te) != "chunked") {
            reject(fd, 501, "unsupported transfer-encoding: " + printable(*te));
            break;
        }
        std::size_t length = 0;
        if (!te && cl) {
            auto [end, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), length);
            if (cl->empty() || ec != std::errc() || end != cl->data() + cl->size()) {
                reject(fd, 400, "invalid content-length");
                break;
            }
            if (length > kMaxBody) {
                reject(fd, 413, "request body too large");
                break;
            }
        }
        if (auto e = req.header("expect"); e && lower(*e) == "100-continue" && (te || length > 0))
            send_raw(fd, "HTTP/1.1 100 Continue\r\n\r\n");
        Reader::Result body = Reader::Result::ok;
        if (te) body = reader.read_chunked(kMaxBody, req.body);
        else if (length > 0) body = reader.read_exact(length, req.body);
        if (body == Reader::Result::too_large) {
            reject(fd, 413, "request body too large");
            break;
        }
        if (body == Reader::Result::bad) {
            reject(fd, 400, "malformed chunked body");
            break;
        }
        if (body != Reader::Result::ok) break;

        Responder res(fd, req.method == "HEAD", req.http11, keep_alive);
        try {
            handler(req, res);
            if (!res.sent()) send_error(res, 500, "handler sent no response");
        } catch (const std::exception& e) {
            if (res.sent()) break;
            send_error(res, 500, std::string("internal error: ") + e.what());
        }
        log_line(req.method + " " + printable(req.target) + " -> " + std::to_string(res.status()));
        if (!res.keep_alive() || !res.healthy()) break;
    }
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
}

}  // namespace

std::optional<std::string> Request::header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers)
        if (k == lower_name) return v;
    return std::nullopt;
}

Responder::Responder(int fd, bool head_only, bool http11, bool keep_alive)
    : fd_(fd), head_only_(head_only), http11_(http11), keep_alive_(keep_alive && http11) {}

bool Responder::write_all(std::string_view data) {
    while (!broken_ && !data.empty()) {
        ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) broken_ = true;
        else data.remove_prefix(static_cast<std::size_t>(n));
    }
    return !broken_;
}

std::string Responder::status_line_and_headers(int status, std::string_view content_type,
                                               const Headers& extra) const {
    std::string h = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
    h += "Server: standin\r\n";
    if (!content_type.empty()) h += "Content-Type: " + std::string(content_type) + "\r\n";
    h += keep_alive_ ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    for (const auto& [k, v] : extra) h += k + ": " + v + "\r\n";
    return h;
}

void Responder::send(int status, std::string_view content_type, std::string_view body,
                     const Headers& extra) {
    if (sent()) return;
    status_ = status;
    std::string out = status_line_and_headers(status, content_type, extra);
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    if (!head_only_) out += body;
    write_all(out);
}

void Responder::send_json(int status, const json& body, const Headers& extra) {
    send(status, "application/json; charset=utf-8", body.dump(), extra);
}

bool Responder::begin_stream(int status, std::string_view content_type) {
    if (sent()) return false;
    status_ = status;
    streaming_ = true;
    if (!http11_) keep_alive_ = false;
    std::string out = status_line_and_headers(status, content_type, {});
    out += http11_ ? "Transfer-Encoding: chunked\r\n\r\n" : "\r\n";
    return write_all(out);
}

bool Responder::write_chunk(std::string_view data) {
    if (!streaming_ || data.empty() || head_only_) return !broken_;
    if (!http11_) return write_all(data);
    std::ostringstream size;
    size << std::hex << data.size();
    std::string out = size.str() + "\r\n";
    out += data;
    out += "\r\n";
    return write_all(out);
}

bool Responder::end_stream() {
    if (!streaming_) return false;
    streaming_ = false;
    if (!http11_ || head_only_) return !broken_;
    return write_all("0\r\n\r\n");
}

void send_error(Responder& res, int status, const std::string& message) {
    const char* key = options().role == "ollama" ? "error" : "detail";
    res.send_json(status, json{{key, message}});
}

bool allow_methods(const Request& req, Responder& res, std::initializer_list<std::string_view> methods) {
    std::string allow;
    for (auto m : methods) {
        if (req.method == m || (m == "GET" && req.method == "HEAD")) return true;
        allow += (allow.empty() ? "" : ", ") + std::string(m);
    }
    res.send(405, "application/json; charset=utf-8",
             json{{options().role == "ollama" ? "error" : "detail", "Method Not Allowed"}}.dump(),
             {{"Allow", allow}});
    return false;
}

int serve(const std::string& host, int port, const Handler& handler) {
    sockaddr_storage addr{};
    socklen_t addr_len = 0;
    int family = host.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    if (family == AF_INET6) {
        auto* a6 = reinterpret_cast<sockaddr_in6*>(&addr);
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(static_cast<uint16_t>(port));
        if (::inet_pton(AF_INET6, host.c_str(), &a6->sin6_addr) != 1) {
            log_error("invalid --host address '" + host + "'");
            return 2;
        }
        addr_len = sizeof(sockaddr_in6);
    } else {
        auto* a4 = reinterpret_cast<sockaddr_in*>(&addr);
        a4->sin_family = AF_INET;
        a4->sin_port = htons(static_cast<uint16_t>(port));
        std::string h = host == "localhost" ? "127.0.0.1" : host;
        if (::inet_pton(AF_INET, h.c_str(), &a4->sin_addr) != 1) {
            log_error("invalid --host address '" + host + "' (give a numeric IP address)");
            return 2;
        }
        addr_len = sizeof(sockaddr_in);
    }
    int s = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        log_error(std::string("socket: ") + std::strerror(errno));
        return 1;
    }
    int one = 1;
    ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(s, reinterpret_cast<sockaddr*>(&addr), addr_len) != 0 || ::listen(s, 128) != 0) {
        log_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + std::strerror(errno));
        ::close(s);
        return 1;
    }
    log_line("listening on " + host + ":" + std::to_string(port));
    for (;;) {
        int c = ::accept4(s, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno != EINTR) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        try {
            std::thread(handle_connection, c, handler).detach();
        } catch (const std::exception&) {
            ::close(c);
        }
    }
}

}  // namespace standin
