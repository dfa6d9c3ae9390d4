#include "ollama_stack/util/poll.hpp"

#include <algorithm>
#include <thread>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::util {

PollEnd poll_until(const std::function<bool()>& ready,
                   std::chrono::steady_clock::time_point deadline,
                   const std::function<bool()>& stop, Backoff backoff) {
  auto pause = backoff.first;
  for (;;) {
    if (stop && stop()) return PollEnd::cancelled;
    if (ready()) return PollEnd::ready;
    if (std::chrono::steady_clock::now() >= deadline) return PollEnd::timed_out;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, backoff.most);
  }
}

bool wait_until(const std::function<bool()>& ready, std::chrono::steady_clock::time_point deadline,
                const std::function<bool()>& cancelled, Backoff backoff) {
  switch (poll_until(ready, deadline, cancelled, backoff)) {
    case PollEnd::ready:
      return true;
    case PollEnd::cancelled:
      throw Interrupted();
    case PollEnd::timed_out:
      break;
  }
  return false;
}

}  // namespace ollama_stack::util
