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

void add_lock_timeout_option(CLI::App& command, int& seconds) {
  command.add_option("--lock-timeout", seconds, "Seconds to wait for another ollama-stack changing the stack (default 120)");
}

void add_stop_timeout_option(CLI::App& command, int& seconds) {
  command
      .add_option("--timeout", seconds,
                  "Seconds each container gets to stop before it is killed (default: its stop_grace_period)")
      ->check(CLI::NonNegativeNumber);
}

}  // namespace ollama_stack::cli
