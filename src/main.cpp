#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "ollama_stack/cli/app.hpp"
#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/util/cancel.hpp"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  ollama_stack::install_cancel_handlers();
  ollama_stack::cli::Context context(
      std::cout, std::cerr,
      [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
      },
      ::isatty(STDOUT_FILENO) == 1, ::isatty(STDERR_FILENO) == 1,
      ollama_stack::cli::terminal_window_columns(::isatty(STDOUT_FILENO) == 1 ? STDOUT_FILENO : STDERR_FILENO));
  context.set_input(std::cin, ::isatty(STDIN_FILENO) == 1);
  std::vector<std::string> args(argv + 1, argv + argc);
  int code = ollama_stack::cli::run(args, context);
  std::cout.flush();
  return code;
}
