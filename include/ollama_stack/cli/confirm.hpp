#pragma once
// Asking the user before destructive steps. Only a terminal on stdin can answer; without one the
// caller must refuse (or proceed on --force), never guess.
#include <optional>
#include <string>

#include "ollama_stack/cli/context.hpp"

namespace ollama_stack::cli {

// True when stdin is a terminal someone can answer on.
bool can_ask();

// Prints `question` on stderr and reads one line from stdin; nullopt when stdin is not a terminal
// or is closed.
std::optional<std::string> ask(Context& context, const std::string& question);

// "[y/N]": true only for y / yes (any case).
bool confirm(Context& context, const std::string& question);

}  // namespace ollama_stack::cli
