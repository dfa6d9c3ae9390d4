#pragma once
// The stack lock as every verb that changes the stack takes it: waits up to `timeout_seconds`
// for another ollama-stack, saying once on stderr who holds it. Also the flags those verbs share.
#include <CLI/CLI.hpp>
#include <string>

#include "ollama_stack/cli/context.hpp"
#include "ollama_stack/cli/progress_sink.hpp"
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/util/file_lock.hpp"

namespace ollama_stack::cli {

util::FileLock lock_stack_for(Context& context, const stack::Session& session, const std::string& verb,
                              int timeout_seconds);

// The opening of a verb that changes the stack and shows progress: --json recorded on the
// context, the session opened, the stack lock taken for `verb`, and the progress display on
// stderr unless --json or --quiet. Members are built in this order and released in reverse.
struct LockedVerb {
  LockedVerb(Context& context, const std::string& verb, bool json, int lock_timeout_seconds);
  stack::Session session;
  util::FileLock lock;
  ProgressSink progress;
};

// --lock-timeout S: how long lock_stack_for() waits (the caller's default, 120).
void add_lock_timeout_option(CLI::App& command, int& seconds);
// Whole seconds from `minimum` to a year, refused with a sentence that says so (CLI11's number
// checks print their range to 310 digits).
CLI::Validator whole_seconds(int minimum);

// --timeout S for verbs that stop containers: each container's grace before it is killed
// (the caller's default, -1, keeps each service's stop_grace_period).
void add_stop_timeout_option(CLI::App& command, int& seconds);

}  // namespace ollama_stack::cli
