// The stand-in's HTTP/1.1 server and its tiny HTTP client: POSIX sockets, a thread per connection.
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

constexpr std::size_t kMaxHead = 64 * 1024;
constexpr std::size_t kMaxBody = 8 * 1024 * 1024;
constexpr std::size_t kMaxClientBody = 16 * 1024 * 1024;

using Clock = std::chrono::steady_clock;

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

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

// Buffered reads from a socket. With a deadline every read waits in poll(); without one the
// socket's SO_RCVTIMEO bounds an idle connection.
class Reader {
public:
    enum class Result { ok, eof, too_large, bad };

    explicit Reader(int fd, std::optional<Clock::time_point> deadline = std::nullopt)
        : fd_(fd), deadline_(deadline) {}

    Result read_until(std::string_view delim, std::size_t max, std::string& out) {
        std::size_t scanned = 0;
        for (;;) {
            auto at = buf_.find(delim, scanned);
            if (at != std::string::npos) {
                if (at > max) return Result::too_large;
                out.assign(buf_, 0, at);
                buf_.erase(0, at + delim.size());
                return Result::ok;
            }
            if (buf_.size() > max) return Result::too_large;
            scanned = buf_.size() >= delim.size() ? buf_.size() - delim.size() + 1 : 0;
            if (!fill()) return Result::eof;
        }
    }

    Result read_exact(std::size_t n, std::string& out) {
        while (buf_.size() < n)
            if (!fill()) return Result::eof;
        out.append(buf_, 0, n);
        buf_.erase(0, n);
        return Result::ok;
    }

    Result read_to_eof(std::size_t max, std::string& out) {
        while (fill())
            if (buf_.size() > max) return Result::too_large;
        out += buf_;
        buf_.clear();
        return Result::ok;
    }

    // A chunked body (RFC 9112 7.1); trailers are read and dropped.
    Result read_chunked(std::size_t max, std::string& out) {
        for (;;) {
            std::string line;
            if (auto r = read_until("\r\n", 1024, line); r != Result::ok) return r == Result::eof ? r : Result::bad;
            auto hex = trim(std::string_view(line).substr(0, line.find(';')));
            std::size_t size = 0;
            auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), size, 16);
            if (hex.empty() || ec != std::errc() || end != hex.data() + hex.size()) return Result::bad;
            if (size == 0) {
                for (;;) {
                    if (auto r = read_until("\r\n", 8192, line); r != Result::ok) return r;
                    if (line.empty()) return Result::ok;
                }
            }
            if (size > max || out.size() + size > max) return Result::too_large;
            if (auto r = read_exact(size, out); r != Result::ok) return r;
            if (auto r = read_until("\r\n", 2, line); r != Result::ok || !line.empty()) return Result::bad;
        }
    }

private:
    bool fill() {
        if (deadline_) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now()).count();
            if (left <= 0) return false;
            pollfd p{fd_, POLLIN, 0};
            int pr = ::poll(&p, 1, static_cast<int>(left));
            if (pr <= 0) return false;
        }
        char tmp[16384];
        for (;;) {
            ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
            if (n > 0) {
                buf_.append(tmp, static_cast<std::size_t>(n));
                return true;
            }
            if (n < 0 && errno == EINTR) continue;
            return false;
        }
    }

    int fd_;
    std::optional<Clock::time_point> deadline_;
    std::string buf_;
};

// Parses the request line and header fields; false on anything malformed.
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

// ---- client --------------------------------------------------------------------------------

namespace {

// Skips a (possibly compressed) DNS name; false when it runs off the message.
bool skip_dns_name(const unsigned char* msg, std::size_t len, std::size_t& pos) {
    while (pos < len) {
        unsigned char l = msg[pos];
        if (l == 0) { ++pos; return true; }
        if ((l & 0xC0) == 0xC0) { pos += 2; return pos <= len; }
        pos += 1 + l;
    }
    return false;
}

std::optional<in_addr> dns_query(const std::string& host, const std::string& server, Clock::time_point deadline) {
    in_addr ns{};
    if (::inet_pton(AF_INET, server.c_str(), &ns) != 1) return std::nullopt;
    std::random_device rd;
    uint16_t id = static_cast<uint16_t>(rd());
    std::string q;
    q += static_cast<char>(id >> 8);
    q += static_cast<char>(id & 0xff);
    q += std::string("\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 10);  // RD, one question
    std::istringstream labels(host);
    std::string label;
    while (std::getline(labels, label, '.')) {
        if (label.empty() || label.size() > 63) return std::nullopt;
        q += static_cast<char>(label.size());
        q += label;
    }
    q += std::string("\x00\x00\x01\x00\x01", 5);  // root, type A, class IN
    int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return std::nullopt;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(53);
    to.sin_addr = ns;
    std::optional<in_addr> found;
    if (::sendto(s, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) >= 0) {
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            pollfd p{s, POLLIN, 0};
            if (left <= 0 || ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000))) <= 0) break;
            unsigned char msg[1500];
            ssize_t n = ::recv(s, msg, sizeof msg, 0);
            if (n < 12) break;
            auto len = static_cast<std::size_t>(n);
            if (((msg[0] << 8) | msg[1]) != id) continue;
            if ((msg[3] & 0x0F) != 0) break;  // rcode
            unsigned qd = (msg[4] << 8) | msg[5], an = (msg[6] << 8) | msg[7];
            std::size_t pos = 12;
            bool ok = true;
            for (unsigned i = 0; i < qd && ok; ++i) {
                ok = skip_dns_name(msg, len, pos);
                pos += 4;
            }
            for (unsigned i = 0; ok && pos <= len && i < an && !found; ++i) {
                if (!skip_dns_name(msg, len, pos) || pos + 10 > len) break;
                unsigned type = (msg[pos] << 8) | msg[pos + 1];
                std::size_t rdlen = (msg[pos + 8] << 8) | msg[pos + 9];
                pos += 10;
                if (pos + rdlen > len) break;
                if (type == 1 && rdlen == 4) {
                    in_addr a{};
                    std::memcpy(&a, msg + pos, 4);
                    found = a;
                }
                pos += rdlen;
            }
            break;
        }
    }
    ::close(s);
    return found;
}

// Numeric, localhost, /etc/hosts, then the nameservers of /etc/resolv.conf (Docker's 127.0.0.11).
std::optional<in_addr> resolve_ipv4(const std::string& host, Clock::time_point deadline) {
    in_addr a{};
    if (::inet_pton(AF_INET, host.c_str(), &a) == 1) return a;
    std::string h = lower(host);
    if (h == "localhost") {
        ::inet_pton(AF_INET, "127.0.0.1", &a);
        return a;
    }
    std::ifstream hosts("/etc/hosts");
    for (std::string line; std::getline(hosts, line);) {
        std::istringstream in(line.substr(0, line.find('#')));
        std::string ip, name;
        if (!(in >> ip) || ::inet_pton(AF_INET, ip.c_str(), &a) != 1) continue;
        while (in >> name)
            if (lower(name) == h) return a;
    }
    std::ifstream resolv("/etc/resolv.conf");
    for (std::string line; std::getline(resolv, line);) {
        std::istringstream in(line);
        std::string key, server;
        if (in >> key >> server && key == "nameserver")
            if (auto r = dns_query(h, server, deadline)) return r;
    }
    return std::nullopt;
}

}  // namespace

HttpResult http_get(const std::string& url, int timeout_ms) {
    HttpResult out;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    const std::string scheme = "http://";
    if (url.rfind(scheme, 0) != 0) {
        out.error = "only http:// URLs are supported: " + url;
        return out;
    }
    std::string rest = url.substr(scheme.size());
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
    std::string host = authority;
    int port = 80;
    if (auto colon = authority.rfind(':'); colon != std::string::npos) {
        host = authority.substr(0, colon);
        auto p = authority.substr(colon + 1);
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
        if (p.empty() || ec != std::errc() || end != p.data() + p.size() || port < 1 || port > 65535) {
            out.error = "invalid port in URL: " + url;
            return out;
        }
    }
    auto ip = resolve_ipv4(host, deadline);
    if (!ip) {
        out.error = "cannot resolve host '" + host + "'";
        return out;
    }
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s < 0) {
        out.error = std::string("socket: ") + std::strerror(errno);
        return out;
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    to.sin_addr = *ip;
    if (::connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS) {
        out.error = "connect to " + authority + ": " + std::strerror(errno);
        ::close(s);
        return out;
    }
    pollfd p{s, POLLOUT, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    int err = 0;
    socklen_t err_len = sizeof err;
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) err = ETIMEDOUT;
    else ::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &err_len);
    if (err != 0) {
        out.error = "connect to " + authority + ": " + std::strerror(err);
        ::close(s);
        return out;
    }
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: " + authority +
                      "\r\nUser-Agent: standin-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n";
    std::string_view data = req;
    while (!data.empty()) {
        ssize_t n = ::send(s, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) { data.remove_prefix(static_cast<std::size_t>(n)); continue; }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            pollfd w{s, POLLOUT, 0};
            if (::poll(&w, 1, 100) >= 0 && Clock::now() < deadline) continue;
        }
        out.error = "send to " + authority + " failed";
        ::close(s);
        return out;
    }
    Reader reader(s, deadline);
    std::string head;
    if (reader.read_until("\r\n\r\n", kMaxHead, head) != Reader::Result::ok) {
        out.error = "no HTTP answer from " + authority + (Clock::now() >= deadline ? " (timed out)" : "");
        ::close(s);
        return out;
    }
    Request parsed;  // reuse the header parser: the status line stands in for a request line
    std::string status_line = head.substr(0, head.find("\r\n"));
    int status = 0;
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12 ||
        std::from_chars(status_line.data() + 9, status_line.data() + 12, status).ec != std::errc()) {
        out.error = "malformed HTTP status line from " + authority;
        ::close(s);
        return out;
    }
    parse_head("GET / HTTP/1.1" + head.substr(status_line.size()), parsed);
    Reader::Result r;
    auto te = parsed.header("transfer-encoding");
    auto cl = parsed.header("content-length");
    std::size_t length = 0;
    if (te && lower(*te) == "chunked") r = reader.read_chunked(kMaxClientBody, out.body);
    else if (cl && std::from_chars(cl->data(), cl->data() + cl->size(), length).ec == std::errc() && length <= kMaxClientBody)
        r = reader.read_exact(length, out.body);
    else r = reader.read_to_eof(kMaxClientBody, out.body);
    ::close(s);
    if (r != Reader::Result::ok) {
        out.error = "incomplete body from " + authority;
        return out;
    }
    out.status = status;
    return out;
}

}  // namespace standin
