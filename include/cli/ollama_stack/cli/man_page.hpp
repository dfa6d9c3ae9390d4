#pragma once
// The man page, generated from the CLI11 command tree like the completion scripts, so it cannot
// drift from the binary. The build writes it with the hidden verb `ollama-stack __man-page`
// (cmake/generate_share_files.cmake) and the .deb ships it as ollama-stack(1).
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace ollama_stack::cli {

// roff with man(7) macros: NAME, SYNOPSIS, DESCRIPTION, OPTIONS (the root's), COMMANDS (every
// visible command depth-first: usage line, description, positional arguments, options), EXIT
// STATUS, FILES, SEE ALSO. Hidden options and commands are left out.
std::string man_page(const CLI::App& root, std::string_view version);

// Text for a roff text line: backslashes and hyphens escaped, a leading '.' or '\'' guarded so it
// is not read as a request. `text` holds no newline.
std::string roff_escape(std::string_view text);

}  // namespace ollama_stack::cli
