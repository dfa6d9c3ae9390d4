#pragma once
// The stack lock as every verb that changes the stack takes it: waits up to `timeout_seconds`
// for another ollama-stack, saying once on stderr who holds it.
#include <string>

#include "ollama_stack/cli/context.hpp"
#include "ollama_stack/stack/session.hpp"
#include "ollama_stack/util/file_lock.hpp"

namespace ollama_stack::cli {

util::FileLock lock_stack_for(Context& context, const stack::Session& session, const std::string& verb,
                              int timeout_seconds);

}  // namespace ollama_stack::cli
