// Gathering TerminalFacts. read_terminal_facts() and terminal_window_columns() are the only code
// in the output layer that reads the real process (environment, isatty, ioctl).
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {

TerminalFacts terminal_facts_from_env(const EnvLookup& env, bool is_tty, bool no_color_flag,
                                      std::optional<int> window_columns) {
  TerminalFacts f;
  f.is_tty = is_tty;
  f.no_color_flag = no_color_flag;
  f.no_color = env("NO_COLOR");
  f.term = env("TERM");
  f.lc_all = env("LC_ALL");
  f.lc_ctype = env("LC_CTYPE");
  f.lang = env("LANG");
  f.columns = env("COLUMNS");
  f.window_columns = window_columns;
  return f;
}

std::optional<int> terminal_window_columns(int fd) {
  winsize ws{};
  if (::isatty(fd) != 1 || ::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0) {
    return std::nullopt;
  }
  return static_cast<int>(ws.ws_col);
}

TerminalFacts read_terminal_facts(int fd, bool no_color_flag) {
  const EnvLookup real_env = [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  return terminal_facts_from_env(real_env, ::isatty(fd) == 1, no_color_flag,
                                 terminal_window_columns(fd));
}

}  // namespace ollama_stack::cli
