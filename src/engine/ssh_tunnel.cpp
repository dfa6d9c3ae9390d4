#include "ollama_stack/engine/ssh_tunnel.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
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

constexpr size_t kMaxTracked = 1024;

// Closes every descriptor but `keep` (the guardian must not hold the terminal's pipes, the lock
// or an engine connection open).
void close_all_but(int keep) {
  if (::dup2(keep, STDIN_FILENO) < 0) ::_exit(1);
#if defined(SYS_close_range)
  if (::syscall(SYS_close_range, 1U, UINT_MAX, 0U) == 0) return;
#endif
  long limit = ::sysconf(_SC_OPEN_MAX);
  if (limit < 0 || limit > 65536) limit = 65536;
  for (int fd = 1; fd < limit; ++fd) ::close(fd);
}

// The guardian: a forked child (async-signal-safe calls only: the parent has threads) that reads
// the pids of the dial processes from `link`. When the link ends without the "done" message (0),
// ollama-stack died — a second Ctrl-C, kill -9 — and it kills every dial process (each leads its
// own session, so -pid reaches what it started too) and removes the socket and its directory.
[[noreturn]] void guard(int link, const char* socket_path, const char* log_path, const char* dir) {
  ::setsid();  // the terminal's Ctrl-C is for ollama-stack, not for its cleaner
  close_all_but(link);
  pid_t children[kMaxTracked];
  size_t count = 0;
  for (;;) {
    int32_t message = 0;
    const ssize_t got = ::read(STDIN_FILENO, &message, sizeof message);
    if (got < 0 && errno == EINTR) continue;
    if (got != static_cast<ssize_t>(sizeof message)) break;  // the end: ollama-stack is gone
    if (message == 0) ::_exit(0);                             // the tunnel cleaned up itself
    if (message > 0 && count < kMaxTracked) children[count++] = message;
    if (message < 0)
      for (size_t i = 0; i < count; ++i)
        if (children[i] == -message) children[i] = children[--count];
  }
  for (size_t i = 0; i < count; ++i) ::kill(-children[i], SIGKILL);
  ::unlink(socket_path);
  ::unlink(log_path);
  ::rmdir(dir);
  ::_exit(0);
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
  start_guardian();
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
  if (guardian_link_ >= 0) {
    tell_guardian(0);  // done: nothing left for it to clean
    ::close(guardian_link_);
    int status = 0;
    ::waitpid(guardian_, &status, 0);
  }
}

void SshTunnel::start_guardian() {
  int link[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, link) != 0) fail("socketpair");
  const pid_t child = ::fork();
  if (child < 0) fail("fork");
  if (child == 0) guard(link[0], socket_path_.c_str(), log_path_.c_str(), dir_.c_str());
  ::close(link[0]);
  guardian_ = child;
  guardian_link_ = link[1];
}

void SshTunnel::tell_guardian(int32_t message) {
  // MSG_NOSIGNAL: a guardian that is gone must not kill this process with SIGPIPE.
  [[maybe_unused]] auto sent = ::send(guardian_link_, &message, sizeof message, MSG_NOSIGNAL);
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
  // Each dial process leads a session of its own, as the Docker CLI starts ssh: the terminal's
  // Ctrl-C goes to ollama-stack alone, which still needs the engine to undo its work (and ssh
  // cannot stop to ask for a password on a terminal it does not have).
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
#if defined(POSIX_SPAWN_SETSID)
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
#else
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
#endif
  std::vector<char*> argv;
  for (auto& word : dial_) argv.push_back(word.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  const int error = ::posix_spawnp(&child, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  std::lock_guard lock(mutex_);
  ++connections_;
  if (error != 0) {
    std::ofstream(log_path_, std::ios::app)
        << fmt::format("cannot run {}: {}\n", dial_.front(), std::strerror(error));
    return;  // closing the connection makes curl report that nothing answered
  }
  children_.push_back(child);
  tell_guardian(static_cast<int32_t>(child));
}

void SshTunnel::reap(bool wait_all) {
  std::lock_guard lock(mutex_);
  std::erase_if(children_, [this, wait_all](pid_t child) {
    int status = 0;
    if (::waitpid(child, &status, wait_all ? 0 : WNOHANG) == 0) return false;
    tell_guardian(-static_cast<int32_t>(child));
    return true;
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
  for (pid_t child : children_) ::kill(-child, signal_number);  // its session's process group
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
