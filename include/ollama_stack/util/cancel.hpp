#pragma once
// Process-wide cancellation: SIGINT/SIGTERM set a flag that long operations poll, so they can
// stop cleanly and undo what they did instead of dying half-way.
#include <atomic>

namespace ollama_stack {

// Installs handlers for SIGINT and SIGTERM that request cancellation (the first signal) and
// restore the default action (so a second Ctrl-C ends the process at once).
void install_cancel_handlers();
bool cancel_requested() noexcept;
void request_cancel() noexcept;  // for tests
void reset_cancel() noexcept;    // for tests

}  // namespace ollama_stack
