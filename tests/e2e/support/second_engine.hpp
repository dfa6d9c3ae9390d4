#pragma once
// A second Docker engine on this machine, started and stopped by the test: the stand-in for a
// remote GPU box (and, later, for a fleet of backends). It is Debian's own dockerd, run in its own
// network, mount and UTS namespaces (tests/e2e/support/second_engine_inside.sh):
// - its own socket, data root, exec root, pid file and address pool, so it never meets the first
//   engine's containers, networks or iptables rules (it has its own network stack);
// - reached over a veth link at tcp://10.213.N.2:2375 (`host()`), where its published ports
//   answer too (`address()`), like an engine on another machine;
// - a tmpfs over the client's home and temp directories, so it cannot see the client's files;
// - another host name, so ollama-stack does not take this machine's GPU facts for its own;
// - optionally a stand-in nvidia-container-runtime-hook first on its PATH (which makes dockerd
//   register its nvidia device driver) and an `nvidia` runtime, and stand-in device nodes (e.g.
//   /dev/kfd) in its own /dev.
// Each engine holds a slot (0..15, a lock file) that fixes its addresses, so engines of parallel
// test processes never collide. Needs root, dockerd, runc, unshare, ip (iproute2) and the docker
// CLI.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ollama_stack/engine/client.hpp"

namespace ollama_stack::e2e {

struct StandinDevice {
  std::string path;  // "/dev/kfd", "/dev/dri/renderD128"
  unsigned major = 0;
  unsigned minor = 0;
  unsigned gid = 0;  // group owning the node (mode 0660)
};

struct SecondEngineOptions {
  std::string host_name = "gpu-box";
  bool nvidia = true;               // the stand-in hook on PATH and an `nvidia` runtime
  std::vector<std::string> hidden;  // directories it must not see; empty = the temp dir and $HOME
  std::vector<StandinDevice> devices;  // created in the engine's own /dev
};

// One call the stand-in hook recorded.
struct HookCall {
  std::string args;             // "prestart"
  std::string container_id;     // the full id
  std::string visible_devices;  // NVIDIA_VISIBLE_DEVICES in the container's OCI config
};

class SecondEngine {
 public:
  // Starts the engine and waits until it answers; throws std::runtime_error with dockerd's log.
  explicit SecondEngine(SecondEngineOptions options = {});
  // Removes its containers, stops dockerd and removes its state.
  ~SecondEngine();
  SecondEngine(const SecondEngine&) = delete;
  SecondEngine& operator=(const SecondEngine&) = delete;

  // True when this machine can run one; otherwise `why` says what is missing.
  static bool available(std::string* why);

  const std::string& host() const { return host_; }        // for --host / DOCKER_HOST
  const std::string& address() const { return address_; }  // where its published ports answer
  engine::Client& client() { return *client_; }

  // Copies `image` from the first engine (docker save | docker -H … load), tagged also as each of
  // `also_as` there (e.g. "ollama/ollama:latest"), so the stack's own defaults resolve to
  // stand-ins.
  void load_image(const std::string& image, const std::vector<std::string>& also_as = {});
  // Commits `image` with `files` (path in the image → content) added, as `tag`.
  void derive_image(const std::string& image, const std::string& tag,
                    const std::map<std::string, std::string>& files);
  // The engine goes away as a powered-off box would (dockerd stopped, its address gone), but its
  // slot stays held until destruction, so no other test's engine takes the address meanwhile.
  void shut_down();
  // What the stand-in hook recorded so far, in call order.
  std::vector<HookCall> hook_calls() const;
  // The last lines of dockerd's log (for failure messages).
  std::string log_tail(std::size_t lines = 30) const;

 private:
  void start();
  void stop();
  bool running();  // dockerd has not exited (reaps it when it has)
  std::string docker(
      const std::vector<std::string>& args) const;  // the docker CLI at this engine; throws

  SecondEngineOptions options_;
  int slot_ = -1;
  int lock_fd_ = -1;
  std::string state_;
  std::string host_;
  std::string address_;
  std::string host_link_;  // the host's end of the veth pair
  int pid_ = -1;           // dockerd (the pid unshare and the script exec into)
  std::unique_ptr<engine::Client> client_;
};

}  // namespace ollama_stack::e2e

// Fails under CI=true and skips elsewhere when this machine cannot run a second engine.
#define REQUIRE_SECOND_ENGINE()                                                              \
  do {                                                                                       \
    std::string why_;                                                                        \
    if (!::ollama_stack::e2e::SecondEngine::available(&why_)) {                              \
      const char* ci_ = std::getenv("CI");                                                   \
      if (ci_ != nullptr && std::string(ci_) == "true") {                                    \
        FAIL() << "a second Docker engine cannot run here (CI=true, so this is a failure): " \
               << why_;                                                                      \
      }                                                                                      \
      GTEST_SKIP() << "a second Docker engine cannot run here: " << why_;                    \
    }                                                                                        \
  } while (0)
