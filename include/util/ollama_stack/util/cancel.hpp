#pragma once
// Process-wide cancellation: SIGINT/SIGTERM set a flag that long operations poll, so they can
// stop cleanly and undo what they did instead of dying half-way.
#include <atomic>
#include <string_view>

namespace ollama_stack {

// Installs handlers for SIGINT and SIGTERM. The first signal requests cancellation and prints the
// first interrupt note (if one is set); a second one prints the second note and ends the process
// at once, by that signal.
void install_cancel_handlers();
// What a verb that changes the stack tells the user on stderr when interrupted: `first` when the
// first Ctrl-C arrives (what is being undone, and that a second Ctrl-C stops at once), `second`
// when the second one does (what stopping at once leaves). Set before the long work starts;
// without notes nothing is printed (read-only verbs simply stop).
void set_interrupt_notes(std::string_view first, std::string_view second);
bool cancel_requested() noexcept;
void request_cancel() noexcept;  // for tests
void reset_cancel() noexcept;    // for tests

}  // namespace ollama_stack
