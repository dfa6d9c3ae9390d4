#pragma once
// `status`'s GPU part: the watchdog on the stack's running Ollama (stack/gpu/gpu_status.hpp), the cure
// when --heal asks for it, and how both are shown (a line under the table, the `gpu` field of
// --json, docs/json.md#status).
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/stack/gpu/gpu_status.hpp"
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/stack/status.hpp"

namespace ollama_stack::cli {

struct StatusGpu {
  stack::GpuWatch watch;
  std::vector<stack::GpuHeal> heals;  // what --heal did in this round
};

// Watches the GPUs of `status`'s project; with `heal`, restarts what lost them, verifies, and
// takes `status` again through `refresh` (the restarted container changed it). A problem makes
// `status.healthy` false (exit 4).
StatusGpu watch_status_gpu(stack::Session& session, stack::StackStatus& status, bool heal,
                           const std::function<stack::StackStatus()>& refresh);

// null when no running Ollama was given NVIDIA GPUs and nothing was healed.
nlohmann::json status_gpu_json(const StatusGpu& gpu);
// "gpu: …" per watched container (with cause and fix when it is not ok), then "healed: …" or
// "not healed: …" per heal of this round; "" when there is nothing to say.
std::string render_status_gpu(const StatusGpu& gpu, const TerminalCaps& caps);

}  // namespace ollama_stack::cli
