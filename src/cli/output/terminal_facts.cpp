// The only code in the output layer that reads the real process: environment, isatty, ioctl.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {
namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

}  // namespace

TerminalFacts read_terminal_facts(int fd, bool no_color_flag) {
  TerminalFacts f;
  f.is_tty = ::isatty(fd) == 1;
  f.no_color_flag = no_color_flag;
  f.no_color = env("NO_COLOR");
  f.term = env("TERM");
  f.lc_all = env("LC_ALL");
  f.lc_ctype = env("LC_CTYPE");
  f.lang = env("LANG");
  f.columns = env("COLUMNS");
  if (f.is_tty) {
    winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) f.window_columns = ws.ws_col;
  }
  return f;
}

}  // namespace ollama_stack::cli
