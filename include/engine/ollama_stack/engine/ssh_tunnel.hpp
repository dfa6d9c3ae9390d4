#pragma once
// ssh://user@host engines, the way the Docker CLI reaches them: each connection runs
// `ssh ... -- host docker system dial-stdio` on this machine and speaks HTTP over that process's
// stdin/stdout. libcurl speaks to a Unix socket, so SshTunnel listens on a private socket (in a
// fresh 0700 temp dir) and hands every accepted connection, as stdin and stdout, to a new dial
// process. Nothing is relayed by this process; the kernel joins curl and ssh directly.
//
// Each dial process runs in a session of its own, so the terminal's Ctrl-C does not cut the
// connections that the undo after a first Ctrl-C needs. A small forked guardian process makes
// sure they still end with ollama-stack: when this process dies in any way (a second Ctrl-C,
// kill -9), the guardian kills every dial process and removes the socket and its directory.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ollama_stack/engine/endpoint.hpp"

namespace ollama_stack::engine {

// The dial command for an ssh endpoint: its ssh_command, then "-o ConnectTimeout=30 -T",
// "-l USER" and "-p PORT" when given, "--", the host and "docker system dial-stdio". Pure.
std::vector<std::string> ssh_dial_command(const Endpoint& endpoint);

class SshTunnel {
 public:
  // Starts listening; `dial` is the argv run for each connection (PATH is searched).
  // Throws EngineError when the socket cannot be made.
  explicit SshTunnel(std::vector<std::string> dial);
  ~SshTunnel();
  SshTunnel(const SshTunnel&) = delete;
  SshTunnel& operator=(const SshTunnel&) = delete;

  const std::string& socket_path() const { return socket_path_; }
  // The last line a dial process wrote on stderr ("" when none), for error messages.
  std::string last_error() const;
  // How many dial processes were started so far.
  int connections() const;

 private:
  void accept_loop();
  void spawn(int connection);
  void reap(bool wait_all);
  bool wait_for_children(std::chrono::milliseconds limit);  // true when all have exited
  void signal_children(int signal_number);
  void start_guardian();
  void tell_guardian(int32_t message);  // a dial pid (+), a reaped one (-), or 0: done

  std::vector<std::string> dial_;
  std::string dir_;
  std::string socket_path_;
  std::string log_path_;
  int listen_fd_ = -1;
  int wake_read_ = -1;
  int wake_write_ = -1;
  mutable std::mutex mutex_;
  std::vector<pid_t> children_;
  int connections_ = 0;
  pid_t guardian_ = -1;
  int guardian_link_ = -1;
  std::thread thread_;
};

}  // namespace ollama_stack::engine
