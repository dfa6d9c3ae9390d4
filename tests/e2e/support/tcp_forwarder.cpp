#include "tcp_forwarder.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace ollama_stack::e2e {

TcpForwarder::TcpForwarder(std::string unix_socket) : unix_socket_(std::move(unix_socket)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (listen_fd_ < 0 ||
      ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 64) != 0)
    throw std::runtime_error("tcp forwarder: cannot listen on 127.0.0.1");
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TcpForwarder::~TcpForwarder() {
  stopping_ = true;
  acceptor_.join();
  for (auto& relay : relays_) relay.join();
  ::close(listen_fd_);
}

void TcpForwarder::accept_loop() {
  while (!stopping_) {
    pollfd ready{listen_fd_, POLLIN, 0};
    if (::poll(&ready, 1, 100) <= 0) continue;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    int engine = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un target{};
    target.sun_family = AF_UNIX;
    std::strncpy(target.sun_path, unix_socket_.c_str(), sizeof target.sun_path - 1);
    if (engine < 0 || ::connect(engine, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
      ::close(client);
      if (engine >= 0) ::close(engine);
      continue;
    }
    ++connections_;
    relays_.emplace_back([this, client, engine] { relay(client, engine, stopping_); });
  }
}

// Copies both ways until either side closes (a half-close is passed on with shutdown).
void TcpForwarder::relay(int client, int engine, const std::atomic<bool>& stopping) {
  pollfd fds[2] = {{client, POLLIN, 0}, {engine, POLLIN, 0}};
  bool open[2] = {true, true};
  char buffer[65536];
  while (!stopping && (open[0] || open[1])) {
    if (::poll(fds, 2, 100) <= 0) continue;
    for (int side = 0; side < 2; ++side) {
      if (!open[side] || fds[side].revents == 0) continue;
      const int from = fds[side].fd;
      const int to = fds[1 - side].fd;
      ssize_t n = ::read(from, buffer, sizeof buffer);
      if (n <= 0) {
        open[side] = false;
        fds[side].fd = -1;
        ::shutdown(to, SHUT_WR);
        continue;
      }
      for (ssize_t done = 0; done < n;) {
        ssize_t wrote = ::send(to, buffer + done, static_cast<size_t>(n - done), MSG_NOSIGNAL);
        if (wrote <= 0) {
          open[0] = open[1] = false;
          break;
        }
        done += wrote;
      }
    }
  }
  ::close(client);
  ::close(engine);
}

}  // namespace ollama_stack::e2e
