#include "ollama_stack/util/cancel.hpp"

#include <unistd.h>

#include <csignal>
#include <cstring>
#include <string>

namespace ollama_stack {
namespace {

std::atomic<bool> g_cancelled{false};

// The notes are published once and never freed, so a signal handler can always read them.
struct Notes {
  std::string first;
  std::string second;
};
std::atomic<const Notes*> g_notes{nullptr};

void write_note(const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t wrote = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
    if (wrote <= 0) return;
    done += static_cast<size_t>(wrote);
  }
}

extern "C" void on_signal(int signal_number) {
  const Notes* notes = g_notes.load();
  if (!g_cancelled.exchange(true)) {
    if (notes != nullptr) write_note(notes->first);
    return;
  }
  // The second signal: say what stopping now leaves, then die of the signal (exit status 128+N).
  if (notes != nullptr) write_note(notes->second);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

}  // namespace

void install_cancel_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

void set_interrupt_notes(std::string_view first, std::string_view second) {
  auto* notes = new Notes{"\n" + std::string(first) + "\n", std::string(second) + "\n"};  // never freed: see above
  g_notes.store(notes);
}

bool cancel_requested() noexcept { return g_cancelled.load(); }
void request_cancel() noexcept { g_cancelled.store(true); }
void reset_cancel() noexcept { g_cancelled.store(false); }

}  // namespace ollama_stack
