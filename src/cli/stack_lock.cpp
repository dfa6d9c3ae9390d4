#include "ollama_stack/cli/stack_lock.hpp"

#include <chrono>

#include "ollama_stack/stack/lifecycle.hpp"

namespace ollama_stack::cli {

util::FileLock lock_stack_for(Context& context, const stack::Session& session, const std::string& verb,
                              int timeout_seconds) {
  return stack::lock_stack(session.home(), verb, std::chrono::seconds(timeout_seconds),
                           [&context](const util::LockHolder& holder) {
                             context.err() << "Waiting for another ollama-stack ("
                                           << (holder.describe().empty() ? "unknown" : holder.describe())
                                           << ") to finish…\n";
                           });
}

}  // namespace ollama_stack::cli
