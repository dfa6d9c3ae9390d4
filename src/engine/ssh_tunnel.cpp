#include "ollama_stack/engine/ssh_tunnel.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "ollama_stack/engine/errors.hpp"

extern char** environ;

namespace ollama_stack::engine {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw EngineError(EngineError::Kind::unreachable,
                    fmt::format("cannot set up the ssh connection to the engine: {}: {}", what,
                                std::strerror(errno)),
                    "check that the temporary directory ($TMPDIR or /tmp) is writable");
}

}  // namespace

std::vector<std::string> ssh_dial_command(const Endpoint& endpoint) {
  std::vector<std::string> argv =
      endpoint.ssh_command.empty() ? std::vector<std::string>{"ssh"} : endpoint.ssh_command;
  argv.insert(argv.end(), {"-o", "ConnectTimeout=30", "-T"});
  if (!endpoint.ssh_user.empty()) argv.insert(argv.end(), {"-l", endpoint.ssh_user});
  if (endpoint.port != 0) argv.insert(argv.end(), {"-p", std::to_string(endpoint.port)});
  argv.insert(argv.end(), {"--", endpoint.host, "docker", "system", "dial-stdio"});
  return argv;
}

SshTunnel::SshTunnel(std::vector<std::string> dial) : dial_(std::move(dial)) {
  std::error_code no_tmp;
  auto tmp = std::filesystem::temp_directory_path(no_tmp);  // $TMPDIR, else /tmp
  std::string pattern = (no_tmp ? std::string("/tmp") : tmp.string()) + "/ollama-stack-ssh-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) fail("mkdtemp " + pattern);
  dir_ = pattern;
  socket_path_ = dir_ + "/docker.sock";
  log_path_ = dir_ + "/dial.log";

  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) fail("socket");
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof(address.sun_path)) {
    errno = ENAMETOOLONG;
    fail(socket_path_);
  }
  std::memcpy(address.sun_path, socket_path_.c_str(), socket_path_.size() + 1);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0)
    fail("bind " + socket_path_);
  if (::listen(listen_fd_, 16) != 0) fail("listen");
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) fail("pipe");
  wake_read_ = pipe_fds[0];
  wake_write_ = pipe_fds[1];
  thread_ = std::thread([this] { accept_loop(); });
}

SshTunnel::~SshTunnel() {
  if (wake_write_ >= 0) {
    [[maybe_unused]] auto written = ::write(wake_write_, "x", 1);
  }
  if (thread_.joinable()) thread_.join();
  // curl has closed its connections, so ssh ends by itself; what lingers is asked to stop, then
  // killed (`docker system dial-stdio` run locally, as in tests, ignores SIGTERM).
  if (!wait_for_children(std::chrono::milliseconds(500))) {
    signal_children(SIGTERM);
    if (!wait_for_children(std::chrono::milliseconds(1000))) signal_children(SIGKILL);
  }
  reap(true);
  for (int fd : {listen_fd_, wake_read_, wake_write_})
    if (fd >= 0) ::close(fd);
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

void SshTunnel::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    int ready = ::poll(fds, 2, 500);
    reap(false);
    if (ready < 0 && errno != EINTR) return;
    if (ready <= 0) continue;
    if (fds[1].revents != 0) return;
    if (fds[0].revents & POLLIN) {
      int connection = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) continue;
      spawn(connection);
      ::close(connection);  // the child has it as stdin and stdout
    }
  }
}

void SshTunnel::spawn(int connection) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, connection, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, connection, STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  std::vector<char*> argv;
  for (auto& word : dial_) argv.push_back(word.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  const int error = ::posix_spawnp(&child, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  std::lock_guard lock(mutex_);
  ++connections_;
  if (error != 0) {
    std::ofstream(log_path_, std::ios::app)
        << fmt::format("cannot run {}: {}\n", dial_.front(), std::strerror(error));
    return;  // closing the connection makes curl report that nothing answered
  }
  children_.push_back(child);
}

void SshTunnel::reap(bool wait_all) {
  std::lock_guard lock(mutex_);
  std::erase_if(children_, [wait_all](pid_t child) {
    int status = 0;
    return ::waitpid(child, &status, wait_all ? 0 : WNOHANG) != 0;
  });
}

bool SshTunnel::wait_for_children(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    reap(false);
    {
      std::lock_guard lock(mutex_);
      if (children_.empty()) return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void SshTunnel::signal_children(int signal_number) {
  std::lock_guard lock(mutex_);
  for (pid_t child : children_) ::kill(child, signal_number);
}

std::string SshTunnel::last_error() const {
  std::lock_guard lock(mutex_);
  std::ifstream in(log_path_);
  std::string line, last;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) last = line;
  }
  return last;
}

int SshTunnel::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

}  // namespace ollama_stack::engine
