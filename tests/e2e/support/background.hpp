#pragma once
// The ollama-stack binary started in the background, so a test can act while it runs: send it
// signals as a terminal would (to its process group), read what it has written so far, look at
// its open files, and wait for it.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "harness.hpp"

namespace ollama_stack::e2e {

class Background {
 public:
  // Starts the binary under test with `args` in a process group of its own (like a foreground
  // job of a shell); stdout and stderr go to files in a temporary directory.
  Background(const std::vector<std::string>& args, const RunOptions& options);
  ~Background();  // kills the process group if it still runs
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  pid_t pid() const { return pid_; }
  // What it has written so far.
  std::string out() const;
  std::string err() const;
  // Ctrl-C on a terminal: the signal goes to the whole foreground process group.
  void interrupt_group(int signal_number) const;
  // Whether it holds `path` open (one of its descriptors points at it).
  bool has_open(const std::string& path) const;
  // Waits for it to end (killing the group after `timeout`); exit_code is 128+N after signal N.
  RunResult wait(std::chrono::milliseconds timeout);

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// The process group and session of a process (from /proc/<pid>/stat); -1 when it is gone.
pid_t process_group_of(pid_t pid);
pid_t session_of(pid_t pid);
// True while `pid` exists and is not a zombie.
bool process_alive(pid_t pid);

}  // namespace ollama_stack::e2e
