#pragma once
// Asking the user before destructive steps. Answers come from the Context's input (stdin in the
// binary). Verbs that must not act on a piped "y" (removing volumes, replacing them) check
// can_ask() first and refuse (or proceed on --force) without a terminal, never guess.
#include <optional>
#include <string>
#include <string_view>

#include "ollama_stack/cli/context.hpp"

namespace ollama_stack::cli {

// True when the input is a terminal someone can answer on.
bool can_ask(const Context& context);

// Prints `question` on stderr and reads one line of input; nullopt when there is no input or it
// is closed.
std::optional<std::string> ask(Context& context, const std::string& question);

// "y" / "yes" in any case, spaces aside.
bool is_yes(std::string_view answer);

// `question` + " [y/N]": true only for a yes.
bool confirm(Context& context, const std::string& question);

}  // namespace ollama_stack::cli
