#include "confirm.hpp"

#include <algorithm>
#include <cctype>

namespace ollama_stack::cli {

bool can_ask(const Context& context) { return context.in() != nullptr && context.stdin_is_tty(); }

std::optional<std::string> ask(Context& context, const std::string& question) {
  if (context.in() == nullptr) return std::nullopt;
  context.err() << question << " " << std::flush;
  std::string line;
  if (!std::getline(*context.in(), line)) return std::nullopt;
  return line;
}

bool is_yes(std::string_view answer) {
  std::string lowered;
  for (unsigned char c : answer)
    if (!std::isspace(c)) lowered.push_back(static_cast<char>(std::tolower(c)));
  return lowered == "y" || lowered == "yes";
}

bool confirm(Context& context, const std::string& question) {
  auto answer = ask(context, question + " [y/N]");
  return answer && is_yes(*answer);
}

}  // namespace ollama_stack::cli
