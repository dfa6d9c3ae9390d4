#pragma once
// The one place that decides how output looks on this terminal: TTY or not, colour, unicode
// glyphs, width. detect_terminal() is pure (facts in, caps out) so tests never touch the real
// environment; read_terminal_facts() is the only code that looks at the real process.
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ollama_stack::cli {

// What the process knows about one output stream, gathered once in main().
struct TerminalFacts {
  bool is_tty = false;                  // isatty(fd)
  bool no_color_flag = false;           // --no-color on the command line
  std::optional<std::string> no_color;  // NO_COLOR, if set
  std::optional<std::string> term;      // TERM, if set
  std::optional<std::string> lc_all;    // LC_ALL, if set
  std::optional<std::string> lc_ctype;  // LC_CTYPE, if set
  std::optional<std::string> lang;      // LANG, if set
  std::optional<std::string> columns;   // COLUMNS, if set
  std::optional<int> window_columns;    // TIOCGWINSZ width, if the ioctl succeeded
};

struct TerminalCaps {
  bool is_tty = false;   // an interactive terminal that understands cursor movement
  bool color = false;    // ANSI SGR colours
  bool unicode = false;  // ✓ ✗ … braille spinner; otherwise ASCII fallbacks
  int width = 0;         // columns; 0 = unlimited (not a terminal, no COLUMNS)
};

// Rules (see terminal.cpp for the reasons):
//  is_tty  = isatty && TERM set && TERM != "dumb"
//  colour  = is_tty && !--no-color && NO_COLOR unset or empty (https://no-color.org)
//  unicode = TERM != "dumb" && the effective LC_CTYPE (LC_ALL, else LC_CTYPE, else LANG) names
//            UTF-8; no locale at all means "C", i.e. ASCII
//  width   = COLUMNS if a positive integer, else the window width on a terminal (80 if
//            unknown), else 0 (unlimited: piped output is for grep, not for a screen)
TerminalCaps detect_terminal(const TerminalFacts& facts);

// The facts from an injected environment lookup (the same shape as Context::EnvLookup), for
// callers that already hold one; is_tty and the window width come from the caller.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
TerminalFacts terminal_facts_from_env(const EnvLookup& env, bool is_tty, bool no_color_flag,
                                      std::optional<int> window_columns = std::nullopt);

// Reads isatty/ioctl for fd and the environment variables above from the real process. The only
// getenv in the CLI's output layer; call it from main() only.
TerminalFacts read_terminal_facts(int fd, bool no_color_flag);
// The window width of fd if it is a terminal (TIOCGWINSZ), for terminal_facts_from_env().
std::optional<int> terminal_window_columns(int fd);

// The symbols the output layer draws, in Unicode or in ASCII.
struct Glyphs {
  std::string_view ok;         // ✓  +
  std::string_view failed;     // ✗  x
  std::string_view pending;    // ·  .
  std::string_view ellipsis;   // …  ...
  std::string_view bar_full;   // █  #
  std::string_view bar_empty;  // ░  -
  std::span<const std::string_view> spinner;
};
const Glyphs& glyphs(bool unicode);

// Wraps text in ANSI SGR codes when colour is on; returns it unchanged otherwise.
class Style {
 public:
  explicit Style(bool color) : color_(color) {}
  explicit Style(const TerminalCaps& caps) : color_(caps.color) {}

  bool enabled() const { return color_; }
  std::string bold(std::string_view text) const { return wrap("1", text); }
  std::string dim(std::string_view text) const { return wrap("2", text); }
  std::string red(std::string_view text) const { return wrap("31", text); }
  std::string green(std::string_view text) const { return wrap("32", text); }
  std::string yellow(std::string_view text) const { return wrap("33", text); }
  std::string cyan(std::string_view text) const { return wrap("36", text); }
  // The same colour for the same name in every run (log prefixes: "ollama | ...").
  std::string service(std::string_view name, std::string_view text) const;
  std::string service(std::string_view name) const { return service(name, name); }

 private:
  std::string wrap(std::string_view sgr, std::string_view text) const;
  bool color_;
};

// The SGR code service() uses for name (exposed for tests).
std::string_view service_color_code(std::string_view name);

}  // namespace ollama_stack::cli
