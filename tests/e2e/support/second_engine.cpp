#include "second_engine.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness.hpp"
#include "ollama_stack/engine/curl_transport.hpp"
#include "ollama_stack/engine/endpoint.hpp"

namespace ollama_stack::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kSlots = 16;
const fs::path kBase = "/var/lib/ollama-stack-test/second-engine";

// The program's path on PATH, or "".
std::string which(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0)
      return dir + "/" + program;
  return "";
}

// Runs a program found on PATH; throws with its output when it fails.
std::string must_run(const std::string& program, const std::vector<std::string>& args,
                     std::chrono::milliseconds timeout = 120s) {
  const std::string path = which(program);
  if (path.empty()) throw std::runtime_error(program + " is not installed");
  auto result = run_program(path, args, {.timeout = timeout});
  if (result.exit_code != 0) {
    std::string line = program;
    for (const auto& arg : args) line += " " + arg;
    throw std::runtime_error(line + " failed (" + std::to_string(result.exit_code) +
                             "): " + result.err + result.out);
  }
  return result.out;
}

// Slot N's addresses: the veth pair in 10.213.N.0/30, the engine's networks in 10.214.(16N).0/20.
std::string engine_address(int slot) { return "10.213." + std::to_string(slot) + ".2"; }
std::string host_address(int slot) { return "10.213." + std::to_string(slot) + ".1"; }
std::string address_pool(int slot) { return "10.214." + std::to_string(slot * 16) + ".0/20"; }

// A dockerd left by a test process that died holding this slot: stop it and its link.
void clear_leftovers(const fs::path& state, const std::string& link) {
  std::ifstream pid_file(state / "docker.pid");
  int pid = 0;
  if (pid_file >> pid && pid > 0) {
    std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
    std::string text{std::istreambuf_iterator<char>(cmdline), {}};
    if (text.find(state.string()) != std::string::npos) {
      ::kill(pid, SIGKILL);
      wait_until([&] { return ::kill(pid, 0) != 0; }, 10s);
    }
  }
  if (fs::exists("/sys/class/net/" + link)) run_program(which("ip"), {"link", "del", link});
  std::error_code ignored;
  fs::remove_all(state, ignored);
}

}  // namespace

bool SecondEngine::available(std::string* why) {
  auto fail = [&](std::string text) {
    if (why) *why = std::move(text);
    return false;
  };
  if (::geteuid() != 0) return fail("it needs root (namespaces, a veth pair, dockerd)");
  for (const char* program : {"dockerd", "runc", "unshare", "ip", "docker", "mknod"})
    if (which(program).empty()) return fail(std::string(program) + " is not installed");
  return true;
}

SecondEngine::SecondEngine(SecondEngineOptions options) : options_(std::move(options)) {
  std::string why;
  if (!available(&why)) throw std::runtime_error("cannot start a second engine: " + why);
  fs::create_directories(kBase);
  for (int slot = 0; slot < kSlots && slot_ < 0; ++slot) {
    const std::string lock = (kBase / ("slot-" + std::to_string(slot) + ".lock")).string();
    int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      slot_ = slot;
      lock_fd_ = fd;
    } else if (fd >= 0) {
      ::close(fd);
    }
  }
  if (slot_ < 0)
    throw std::runtime_error("all " + std::to_string(kSlots) + " second-engine slots are in use");
  state_ = (kBase / ("slot-" + std::to_string(slot_))).string();
  address_ = engine_address(slot_);
  host_ = "tcp://" + address_ + ":2375";
  host_link_ = "osse" + std::to_string(slot_);
  try {
    start();
  } catch (...) {
    stop();
    throw;
  }
}

SecondEngine::~SecondEngine() { stop(); }

void SecondEngine::start() {
  clear_leftovers(state_, host_link_);
  fs::create_directories(fs::path(state_) / "bin");
  if (options_.nvidia)
    fs::copy_file(
        fs::path(OLLAMA_STACK_SOURCE_DIR) / "tests/standin/gpu/nvidia-container-runtime-hook",
        fs::path(state_) / "bin/nvidia-container-runtime-hook");

  std::vector<std::string> args{
      "--net",
      "--mount",
      "--uts",
      "--propagation",
      "private",
      "/bin/sh",
      std::string(OLLAMA_STACK_SOURCE_DIR) + "/tests/e2e/support/second_engine_inside.sh",
      state_,
      options_.host_name,
      address_,
      address_pool(slot_),
      options_.nvidia ? "1" : "0"};
  auto hidden = options_.hidden;
  if (hidden.empty()) {
    hidden.push_back(fs::temp_directory_path().string());
    if (const char* home = std::getenv("HOME")) hidden.push_back(home);
  }
  for (const auto& dir : hidden) {
    const auto path = fs::weakly_canonical(dir).string();
    // Never over / or over the engine's own state.
    if (path != "/" && fs::is_directory(path) && !state_.starts_with(path + "/"))
      args.push_back("hide=" + path);
  }
  for (const auto& device : options_.devices)
    args.push_back("device=" + device.path + ":" + std::to_string(device.major) + ":" +
                   std::to_string(device.minor) + ":" + std::to_string(device.gid));

  int go[2], in[2];
  if (::pipe2(go, O_CLOEXEC) != 0 || ::pipe2(in, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  const std::string unshare = which("unshare");
  const std::string log = state_ + "/dockerd.log";
  int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  std::vector<std::string> argv_strings{unshare};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ == 0) {
    // dockerd dies with the test process, even when the test crashes.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(go[0], 3);
    ::dup2(in[1], 4);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::execv(unshare.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(go[0]);
  ::close(in[1]);
  ::close(log_fd);

  // The namespaces exist once the script says "in"; then its end of the link moves in.
  pollfd ready{in[0], POLLIN, 0};
  char said[8] = {};
  const bool in_namespaces = ::poll(&ready, 1, 20000) == 1 && ::read(in[0], said, sizeof said) > 0;
  ::close(in[0]);
  if (!in_namespaces) {
    ::close(go[1]);
    throw std::runtime_error("the second engine's namespaces did not come up: " + log_tail());
  }
  must_run("ip", {"link", "add", host_link_, "type", "veth", "peer", "name", "eth0", "netns",
                  std::to_string(pid_)});
  must_run("ip", {"addr", "add", host_address(slot_) + "/30", "dev", host_link_});
  must_run("ip", {"link", "set", host_link_, "up"});
  const bool sent = ::write(go[1], "go\n", 3) == 3;
  ::close(go[1]);
  if (!sent) throw std::runtime_error("the second engine's start script is gone: " + log_tail());

  auto lookup = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  client_ = std::make_unique<engine::Client>(
      std::make_unique<engine::CurlTransport>(engine::resolve_endpoint(host_, lookup)));
  const bool up = wait_until(
      [&] {
        if (!running()) return true;
        try {
          client_->ping(1000ms);
          return true;
        } catch (const std::exception&) {
          return false;
        }
      },
      90s, 100ms);
  if (!up || !running())
    throw std::runtime_error(std::string("the second engine ") +
                             (up ? "exited" : "did not answer within 90 s") + ": " + log_tail());
}

bool SecondEngine::running() {
  if (pid_ <= 0) return false;
  if (::waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;  // exited (and reaped)
  return pid_ > 0;
}

void SecondEngine::shut_down() {
  if (client_ && running()) {
    try {  // containers first: dockerd then shuts down at once
      for (const auto& container : client_->list_containers({}, true))
        client_->remove_container(container.id, true, true);
    } catch (const std::exception&) {
    }
  }
  if (running()) {
    ::kill(pid_, SIGTERM);
    if (!wait_until([&] { return !running(); }, 30s)) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_ = -1;
  client_.reset();
  if (!state_.empty()) clear_leftovers(state_, host_link_);
}

void SecondEngine::stop() {
  shut_down();
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
}

std::string SecondEngine::docker(const std::vector<std::string>& args) const {
  std::vector<std::string> all{"-H", host_};
  all.insert(all.end(), args.begin(), args.end());
  return must_run("docker", all);
}

void SecondEngine::load_image(const std::string& image, const std::vector<std::string>& also_as) {
  const std::string docker_path = which("docker");
  auto result = run_program("/bin/bash", {"-o", "pipefail", "-c",
                                          docker_path + " save '" + image + "' | " + docker_path +
                                              " -H " + host_ + " load -q"});
  if (result.exit_code != 0)
    throw std::runtime_error("copying " + image + " failed: " + result.err);
  for (const auto& tag : also_as) docker({"tag", image, tag});
}

void SecondEngine::derive_image(const std::string& image, const std::string& tag,
                                const std::map<std::string, std::string>& files) {
  TempDir dir;
  const std::string container =
      "derive-" + std::to_string(::getpid()) + "-" + std::to_string(slot_);
  docker({"create", "--name", container, image});
  try {
    int n = 0;
    for (const auto& [path, content] : files) {
      const std::string local = dir.path() + "/" + std::to_string(n++);
      std::ofstream(local) << content;
      docker({"cp", local, container + ":" + path});
    }
    docker({"commit", container, tag});
  } catch (...) {
    docker({"rm", "-f", container});
    throw;
  }
  docker({"rm", "-f", container});
}

std::vector<HookCall> SecondEngine::hook_calls() const {
  std::vector<HookCall> calls;
  std::ifstream in(state_ + "/hook.log");
  for (std::string line; std::getline(in, line);) {
    HookCall call;
    const auto id = line.find(" id=");
    const auto visible = line.find(" NVIDIA_VISIBLE_DEVICES=");
    if (id == std::string::npos || visible == std::string::npos || visible < id) continue;
    call.args = line.substr(0, id);
    call.container_id = line.substr(id + 4, visible - id - 4);
    call.visible_devices = line.substr(visible + 24);
    calls.push_back(call);
  }
  return calls;
}

std::string SecondEngine::log_tail(std::size_t lines) const {
  std::ifstream in(state_ + "/dockerd.log");
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string tail;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    tail += all[i] + "\n";
  return tail;
}

}  // namespace ollama_stack::e2e
