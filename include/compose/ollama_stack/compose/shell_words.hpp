#pragma once
// Splits a `command:` / `entrypoint:` string into words the way a POSIX shell would tokenise it
// (whitespace separates; '...' literal; "..." with \" \\ \$ \` escapes; \ escapes outside
// quotes) without running a shell or expanding anything.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ollama_stack::compose {

// nullopt when a quote is not closed.
std::optional<std::vector<std::string>> split_shell_words(std::string_view text);

}  // namespace ollama_stack::compose
