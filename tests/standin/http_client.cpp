// The stand-in's tiny HTTP client (GET over IPv4, names resolved without libc's resolver), with
// which a role probes another service the way the real one would.
#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <fstream>
#include <netinet/in.h>
#include <random>
#include <sstream>
#include <unistd.h>

#include "http_wire.hpp"
#include "standin.hpp"

namespace standin {

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
