// What the stand-in's HTTP server (http.cpp) and client (http_client.cpp) share: limits, buffered
// socket reads, and the parser of a message head.
#pragma once

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <optional>
#include <poll.h>
#include <string>
#include <string_view>
#include <sys/socket.h>

#include "standin.hpp"

namespace standin {

constexpr std::size_t kMaxHead = 64 * 1024;
constexpr std::size_t kMaxBody = 8 * 1024 * 1024;
constexpr std::size_t kMaxClientBody = 16 * 1024 * 1024;

using Clock = std::chrono::steady_clock;

std::string lower(std::string s);
// Without the spaces and tabs around it (and a trailing CR).
std::string trim(std::string_view s);

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
bool parse_head(const std::string& head, Request& req);

}  // namespace standin
