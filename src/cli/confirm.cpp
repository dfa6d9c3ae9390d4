#include "ollama_stack/cli/confirm.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iostream>

namespace ollama_stack::cli {

bool can_ask() { return ::isatty(STDIN_FILENO) == 1; }

std::optional<std::string> ask(Context& context, const std::string& question) {
  if (!can_ask()) return std::nullopt;
  context.err() << question << " " << std::flush;
  std::string line;
  // The one place that reads the user's stdin: answers to confirmations.
  if (!std::getline(std::cin, line)) return std::nullopt;
  return line;
}

bool confirm(Context& context, const std::string& question) {
  auto answer = ask(context, question + " [y/N]");
  if (!answer) return false;
  std::string lowered = *answer;
  lowered.erase(std::remove_if(lowered.begin(), lowered.end(), [](unsigned char c) { return std::isspace(c); }),
                lowered.end());
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  return lowered == "y" || lowered == "yes";
}

}  // namespace ollama_stack::cli
