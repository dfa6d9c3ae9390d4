#include "ollama_stack/util/cancel.hpp"

#include <csignal>

namespace ollama_stack {
namespace {

std::atomic<bool> g_cancelled{false};

extern "C" void on_signal(int signal_number) {
  g_cancelled.store(true);
  std::signal(signal_number, SIG_DFL);
}

}  // namespace

void install_cancel_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool cancel_requested() noexcept { return g_cancelled.load(); }
void request_cancel() noexcept { g_cancelled.store(true); }
void reset_cancel() noexcept { g_cancelled.store(false); }

}  // namespace ollama_stack
