#pragma once
// Shared helpers of the end-to-end tests: run the real binary, reach the real engine, name and
// clean up test resources so parallel tests never collide nor touch anything else.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/engine/client.hpp"

namespace ollama_stack::e2e {

struct RunResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

struct RunOptions {
  std::map<std::string, std::string> env;  // added to (and overriding) the test's environment
  std::vector<std::string> unset_env;
  std::chrono::milliseconds timeout{120000};
  std::string stdin_data;
};

// The environment of a child started with `options`: this process's without `unset_env`, with
// `env` on top, as "NAME=value" strings.
std::vector<std::string> child_environment(const RunOptions& options);

// Runs the ollama-stack binary under test with `args`.
RunResult run_cli(const std::vector<std::string>& args, const RunOptions& options = {});
// Runs any program.
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const RunOptions& options = {});

// A client for the engine the tests use (DOCKER_HOST or the default socket).
engine::Client& test_engine();
// True when the engine answers; otherwise `why` says what failed.
bool engine_available(std::string* why);

// A name unique to this test process and call: "<prefix>-<pid>-<n>" (lowercase, valid for
// compose projects, containers, networks and volumes).
std::string unique_name(const std::string& prefix);

// The stand-in image of a role ("ollama", "webui", "mcpo"), built by tests/standin/build-images.sh.
std::string standin_image(const std::string& role);

// The variables that point the stack's compose files at the stand-in images, under `project`,
// with free host ports: PROJECT_NAME, *_IMAGE and *_PORT.
std::map<std::string, std::string> standin_stack_env(const std::string& project);

// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
int free_port();

// Waits until `condition` is true or the deadline passes; returns the last result.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds deadline,
                std::chrono::milliseconds poll = std::chrono::milliseconds(50));

// Removes every container, network and volume whose label `key=value` matches.
void remove_labelled(const std::string& key, const std::string& value);

// What `start` does before it applies the core, for tests that call compose::apply themselves: the
// MCP proxy's config, read from the home, goes into the proxy's config volume (mcpo exits without
// one). `labels` are the apply's extra labels.
void push_home_mcp_config(const compose::Project& project,
                          const std::map<std::string, std::string>& labels,
                          const std::string& home);

// A fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir();
  explicit TempDir(const std::string& parent);  // under `parent` (created) instead of the temp dir
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ollama_stack::e2e

// Fails under CI=true and skips elsewhere when no engine answers: an unreachable engine must
// never let CI pass silently.
#define REQUIRE_ENGINE()                                                                  \
  do {                                                                                    \
    std::string why_;                                                                     \
    if (!::ollama_stack::e2e::engine_available(&why_)) {                                  \
      const char* ci_ = std::getenv("CI");                                                \
      if (ci_ != nullptr && std::string(ci_) == "true") {                                 \
        FAIL() << "no Docker engine answers (CI=true, so this is a failure): " << why_;  \
      }                                                                                   \
      GTEST_SKIP() << "no Docker engine answers: " << why_;                               \
    }                                                                                     \
  } while (0)
