#include "background.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

namespace ollama_stack::e2e {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Fields of /proc/<pid>/stat after the command: state, ppid, pgrp, session.
bool stat_fields(pid_t pid, char& state, pid_t& group, pid_t& session) {
  const std::string text = slurp("/proc/" + std::to_string(pid) + "/stat");
  const auto close = text.rfind(')');
  if (text.empty() || close == std::string::npos) return false;
  std::istringstream rest(text.substr(close + 2));
  pid_t parent = 0;
  return static_cast<bool>(rest >> state >> parent >> group >> session);
}

}  // namespace

Background::Background(const std::vector<std::string>& args, const RunOptions& options) {
  std::vector<std::string> env_strings = child_environment(options);
  std::vector<char*> envp;
  for (auto& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{OLLAMA_STACK_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& entry : argv_strings) argv.push_back(entry.data());
  argv.push_back(nullptr);
  const std::string out = dir_.path() + "/out", err = dir_.path() + "/err";
  pid_ = fork();
  if (pid_ == 0) {
    setpgid(0, 0);
    int in = open("/dev/null", O_RDONLY);
    int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  setpgid(pid_, pid_);  // also from here, so the group exists before any signal is sent to it
}

Background::~Background() {
  if (reaped_ || pid_ <= 0) return;
  kill(-pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
}

std::string Background::out() const { return slurp(dir_.path() + "/out"); }
std::string Background::err() const { return slurp(dir_.path() + "/err"); }

void Background::interrupt_group(int signal_number) const { kill(-pid_, signal_number); }

bool Background::has_open(const std::string& path) const {
  std::error_code error;
  for (const auto& fd :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid_) + "/fd", error)) {
    std::error_code ignored;
    if (std::filesystem::read_symlink(fd.path(), ignored) == path) return true;
  }
  return false;
}

RunResult Background::wait(std::chrono::milliseconds timeout) {
  RunResult result;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reaped_) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      result.err = "[test harness: killed after timeout]\n";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  reaped_ = true;
  if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    result.exit_code = 128 + WTERMSIG(status);
  result.out = out();
  result.err = err() + result.err;
  return result;
}

pid_t process_group_of(pid_t pid) {
  char state = 0;
  pid_t group = -1, session = -1;
  return stat_fields(pid, state, group, session) ? group : -1;
}

pid_t session_of(pid_t pid) {
  char state = 0;
  pid_t group = -1, session = -1;
  return stat_fields(pid, state, group, session) ? session : -1;
}

bool process_alive(pid_t pid) {
  char state = 0;
  pid_t group = -1, session = -1;
  return stat_fields(pid, state, group, session) && state != 'Z' && state != 'X';
}

}  // namespace ollama_stack::e2e
