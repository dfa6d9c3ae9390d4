#pragma once
// How lower layers report progress on long work without printing: they call a callback with
// updates; the CLI renders them (bars on a terminal, plain lines otherwise, JSON Lines).
#include <cstdint>
#include <functional>
#include <string>

namespace ollama_stack {

struct ProgressUpdate {
  enum class State { pending, running, done, failed };
  std::string task;     // stable id: "service:webui", "image:ollama/ollama:latest", "network:x"
  std::string label;    // what a person reads: "webui", "ollama/ollama:latest"
  State state = State::running;
  std::string message;  // "creating", "pulling", "healthy", "exited with code 1"
  int64_t current = 0;  // bytes (or units) done, when known
  int64_t total = 0;    // 0 = unknown
};

using ProgressCallback = std::function<void(const ProgressUpdate&)>;

}  // namespace ollama_stack
