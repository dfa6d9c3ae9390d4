#include "harness.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include "ollama_stack/engine/curl_transport.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/mcp/mcp_config.hpp"
#include "ollama_stack/stack/mcp/mcp_volume.hpp"

extern char** environ;

namespace ollama_stack::e2e {
namespace {

std::optional<std::string> real_env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  return value ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace

std::vector<std::string> child_environment(const RunOptions& options) {
  std::vector<std::string> env_strings;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text = *entry;
    std::string name = text.substr(0, text.find('='));
    if (options.env.count(name) != 0) continue;
    if (std::find(options.unset_env.begin(), options.unset_env.end(), name) != options.unset_env.end()) continue;
    env_strings.push_back(text);
  }
  for (const auto& [name, value] : options.env) env_strings.push_back(name + "=" + value);
  return env_strings;
}

RunResult run_program(const std::string& program, const std::vector<std::string>& args, const RunOptions& options) {
  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0 || pipe(in_pipe) != 0) throw std::runtime_error("pipe failed");

  std::vector<std::string> env_strings = child_environment(options);
  std::vector<char*> envp;
  for (auto& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& entry : argv_strings) argv.push_back(entry.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], in_pipe[0], in_pipe[1]}) close(fd);
    setpgid(0, 0);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(in_pipe[0]);
  if (!options.stdin_data.empty()) {
    auto written = write(in_pipe[1], options.stdin_data.data(), options.stdin_data.size());
    (void)written;
  }
  close(in_pipe[1]);

  RunResult result;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  bool timed_out = false;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    if (poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
      char buffer[65536];
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
      }
    }
  }
  for (auto& fd : fds)
    if (fd.fd >= 0) close(fd.fd);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  if (timed_out) result.err += "\n[test harness: killed after timeout]\n";
  return result;
}

RunResult run_cli(const std::vector<std::string>& args, const RunOptions& options) {
  return run_program(OLLAMA_STACK_BINARY, args, options);
}

engine::Client& test_engine() {
  static engine::Client client(std::make_unique<engine::CurlTransport>(engine::resolve_endpoint("", real_env)));
  return client;
}

bool engine_available(std::string* why) {
  try {
    test_engine().ping(std::chrono::milliseconds(3000));
    return true;
  } catch (const std::exception& error) {
    if (why != nullptr) *why = error.what();
    return false;
  }
}

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

std::string standin_image(const std::string& role) {
  auto tag = real_env("OLLAMA_STACK_STANDIN_TAG").value_or("test");
  return "ollama-stack-standin/" + role + ":" + tag;
}

std::map<std::string, std::string> standin_stack_env(const std::string& project) {
  return {{"PROJECT_NAME", project},
          {"OLLAMA_IMAGE", standin_image("ollama")},
          {"WEBUI_IMAGE", standin_image("webui")},
          {"MCP_PROXY_IMAGE", standin_image("mcpo")},
          {"OLLAMA_PORT", std::to_string(free_port())},
          {"WEBUI_PORT", std::to_string(free_port())},
          {"MCP_PROXY_PORT", std::to_string(free_port())}};
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  int port = ntohs(address.sin_port);
  close(fd);
  return port;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds deadline,
                std::chrono::milliseconds poll_interval) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(poll_interval);
  }
}

void remove_labelled(const std::string& key, const std::string& value) {
  auto& engine = test_engine();
  engine::Filters filters{{"label", {key + "=" + value}}};
  for (const auto& container : engine.list_containers(filters, true)) {
    try { engine.remove_container(container.id, true, true); } catch (const std::exception&) {}
  }
  for (const auto& network : engine.list_networks(filters)) {
    try { engine.remove_network(network.id); } catch (const std::exception&) {}
  }
  for (const auto& volume : engine.list_volumes(filters)) {
    try { engine.remove_volume(volume.name, true); } catch (const std::exception&) {}
  }
}

TempDir::TempDir() : TempDir(std::filesystem::temp_directory_path().string()) {}

TempDir::TempDir(const std::string& parent) {
  std::filesystem::create_directories(parent);
  std::string pattern = (std::filesystem::path(parent) / "ollama-stack-e2e-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void push_home_mcp_config(const compose::Project& project,
                          const std::map<std::string, std::string>& labels,
                          const std::string& home) {
  auto target = stack::mcp_volume_target(project, labels);
  ASSERT_TRUE(target) << "the core project has no MCP config volume";
  auto config = stack::read_mcp_config(stack::HomeLayout{home}.mcp_config());
  ASSERT_TRUE(config) << "no MCP config in " << home;
  stack::push_mcp_config(test_engine(), *target, stack::mcp_config_text(*config));
}

}  // namespace ollama_stack::e2e
