#pragma once
// The one wait loop: asks a condition again and again, pausing in between (soon at first, then
// backing off), until it holds, the wait is cancelled, or a deadline passes. Health waits,
// compose's depends_on waits, the MCP proxy's restart, Ollama's /api/ps and the GPU probe all use
// it, so every wait honours Ctrl-C the same way.
#include <chrono>
#include <functional>

namespace ollama_stack::util {

struct Backoff {
  std::chrono::milliseconds first{10};  // the first pause, doubled after each ask…
  std::chrono::milliseconds most{200};  // …up to this
};

enum class PollEnd { ready, cancelled, timed_out };

// Asks `ready` until it returns true (ready). Before every ask, `stop` (may be empty) is asked
// first: true ends the wait (cancelled). After a false answer past `deadline`: timed_out. What
// `ready` throws ends the wait and reaches the caller.
PollEnd poll_until(const std::function<bool()>& ready,
                   std::chrono::steady_clock::time_point deadline,
                   const std::function<bool()>& stop, Backoff backoff = {});

// The same, throwing Interrupted when cancelled: true when ready, false at the deadline.
bool wait_until(const std::function<bool()>& ready, std::chrono::steady_clock::time_point deadline,
                const std::function<bool()>& cancelled, Backoff backoff = {});

}  // namespace ollama_stack::util
