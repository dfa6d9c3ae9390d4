#pragma once
// A TCP listener on 127.0.0.1 whose every connection is relayed to a Unix socket: a real engine
// on tcp:// (DOCKER_HOST=tcp://127.0.0.1:PORT) without a second dockerd. Stops with the object.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace ollama_stack::e2e {

class TcpForwarder {
 public:
  explicit TcpForwarder(std::string unix_socket);
  ~TcpForwarder();
  TcpForwarder(const TcpForwarder&) = delete;
  TcpForwarder& operator=(const TcpForwarder&) = delete;

  int port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void accept_loop();
  static void relay(int client, int engine, const std::atomic<bool>& stopping);

  std::string unix_socket_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::vector<std::thread> relays_;
};

}  // namespace ollama_stack::e2e
