#include "stack_lock.hpp"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <string>

#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/util/cancel.hpp"

namespace ollama_stack::cli {
namespace {

constexpr const char* kAgain = " Press Ctrl-C again to stop at once.";
constexpr long long kYear = 365LL * 24 * 3600;  // the longest --timeout taken

struct Notes {
  std::string first;   // what the first Ctrl-C undoes
  std::string second;  // what a second one leaves
};

// What Ctrl-C means for each verb that changes the stack, said the moment it is pressed.
Notes interrupt_notes(const std::string& verb) {
  if (verb == "start" || verb == "restart")
    return {fmt::format("Interrupted: undoing this {}: the containers it created are removed and those it was "
                        "replacing are put back (containers already replaced and started stay as they are).{}",
                        verb, kAgain),
            fmt::format("Stopped at once: what this {} created so far may be left behind; `ollama-stack start` "
                        "completes it, `ollama-stack stop` removes it.",
                        verb)};
  if (verb == "update")
    return {fmt::format("Interrupted: the pulls stop; if services were being recreated, the new containers are "
                        "removed and the old ones put back.{}",
                        kAgain),
            "Stopped at once: services being recreated may be left stopped; `ollama-stack start` brings the stack "
            "back."};
  if (verb == "restore")
    return {fmt::format("Interrupted: the volumes and config files are put back as they were, and the stack is "
                        "started again if it was running.{}",
                        kAgain),
            "Stopped at once: a volume being restored may be half-written: its previous content is in the volume "
            "named after it with -pre-restore- (`docker volume ls`); the stack stays stopped."};
  if (verb == "uninstall" || verb == "cleanup")
    return {fmt::format("Interrupted: {} stops after the removal in progress; what it has not removed yet "
                        "stays.{}",
                        verb, kAgain),
            fmt::format("Stopped at once: some resources may be left; run `ollama-stack {}` again to remove them.",
                        verb)};
  if (verb == "backup")
    return {fmt::format("Interrupted: the backup stops and its partial files are deleted.{}", kAgain),
            "Stopped at once: the partial backup (its path ends in .partial) is left behind; `ollama-stack "
            "cleanup` in that folder deletes it."};
  if (verb == "stop")
    return {fmt::format("Interrupted: stop finishes stopping the containers, so the stack is not left "
                        "half-stopped.{}",
                        kAgain),
            "Stopped at once: some containers may still run; run `ollama-stack stop` again."};
  return {fmt::format("Interrupted: `{}` stops and undoes what it changed so far.{}", verb, kAgain),
          fmt::format("Stopped at once: `{}` may be left half-done; run it again.", verb)};
}

}  // namespace

util::FileLock lock_stack_for(Context& context, const stack::Session& session, const std::string& verb,
                              int timeout_seconds) {
  auto lock = stack::lock_stack(session.home(), verb, std::chrono::seconds(timeout_seconds),
                                [&context](const util::LockHolder& holder) {
                                  context.err() << "Waiting for another ollama-stack ("
                                                << (holder.describe().empty() ? "unknown" : holder.describe())
                                                << ") to finish…\n";
                                });
  const auto notes = interrupt_notes(verb);
  set_interrupt_notes(notes.first, notes.second);
  return lock;
}

namespace {
stack::Session open_session(Context& context, bool json) {
  context.json = json;
  return context.session();
}
}  // namespace

LockedVerb::LockedVerb(Context& context, const std::string& verb, bool json,
                       int lock_timeout_seconds)
    : session(open_session(context, json)),
      lock(lock_stack_for(context, session, verb, lock_timeout_seconds)),
      progress(context, !json && !context.global.quiet) {}

void add_lock_timeout_option(CLI::App& command, int& seconds) {
  command.add_option("--lock-timeout", seconds, "Seconds to wait for another ollama-stack changing the stack (default 120)");
}

void add_stop_timeout_option(CLI::App& command, int& seconds) {
  command
      .add_option("--timeout", seconds,
                  "Seconds each container gets to stop before it is killed (default: its stop_grace_period)")
      ->check(whole_seconds(0));
}

CLI::Validator whole_seconds(int minimum) {
  return CLI::Validator(
      [minimum](std::string& value) -> std::string {
        long long seconds = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (value.empty() || error != std::errc() || end != value.data() + value.size() || seconds < minimum ||
            seconds > kYear)
          return fmt::format("\"{}\" is not a whole number of seconds from {} to {} (a year)", value, minimum, kYear);
        return {};
      },
      "SECONDS");
}

}  // namespace ollama_stack::cli
