#include "ollama_stack/cli/terminal.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>

namespace ollama_stack::cli {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// POSIX precedence: the first of LC_ALL, LC_CTYPE, LANG that is set and non-empty wins.
std::string_view effective_ctype(const TerminalFacts& f) {
  for (const auto* v : {&f.lc_all, &f.lc_ctype, &f.lang}) {
    if (v->has_value() && !(*v)->empty()) return **v;
  }
  return "C";
}

bool names_utf8(std::string_view locale) {
  // "en_US.UTF-8", "C.utf8", "de_DE.UTF-8@euro"; the codeset is spelled several ways.
  const std::string l = lower(locale);
  return l.find("utf-8") != std::string::npos || l.find("utf8") != std::string::npos;
}

std::optional<int> positive_int(const std::optional<std::string>& s) {
  if (!s || s->empty()) return std::nullopt;
  int value = 0;
  const char* end = s->data() + s->size();
  auto [ptr, ec] = std::from_chars(s->data(), end, value);
  if (ec != std::errc{} || ptr != end || value <= 0) return std::nullopt;
  return value;
}

constexpr std::array<std::string_view, 10> kUnicodeSpinner = {"⠋", "⠙", "⠹", "⠸", "⠼",
                                                              "⠴", "⠦", "⠧", "⠇", "⠏"};
constexpr std::array<std::string_view, 4> kAsciiSpinner = {"|", "/", "-", "\\"};

// Colours for service names: no red (reserved for errors), no white/black (invisible on one
// of the two common backgrounds).
constexpr std::array<std::string_view, 10> kServicePalette = {"36", "33", "32", "35", "34",
                                                              "96", "93", "92", "95", "94"};

}  // namespace

TerminalCaps detect_terminal(const TerminalFacts& f) {
  TerminalCaps caps;
  const bool dumb = f.term && *f.term == "dumb";
  // Cursor movement needs a terminal that says what it is; emacs' shell and CI log viewers say
  // "dumb" or nothing.
  caps.is_tty = f.is_tty && f.term && !f.term->empty() && !dumb;
  // no-color.org: NO_COLOR "when present and not an empty string" disables colour.
  const bool no_color_env = f.no_color && !f.no_color->empty();
  caps.color = caps.is_tty && !f.no_color_flag && !no_color_env;
  // Glyphs are bytes in the output, so the locale's codeset decides, not TTY-ness: a piped
  // UTF-8 log can hold ✓ as well as a screen can.
  caps.unicode = !dumb && names_utf8(effective_ctype(f));
  if (auto cols = positive_int(f.columns)) {
    caps.width = *cols;
  } else if (f.is_tty) {
    caps.width = f.window_columns && *f.window_columns > 0 ? *f.window_columns : 80;
  } else {
    caps.width = 0;
  }
  return caps;
}

const Glyphs& glyphs(bool unicode) {
  static const Glyphs kUnicode{"✓", "✗", "·", "…", "█", "░", kUnicodeSpinner};
  static const Glyphs kAscii{"+", "x", ".", "...", "#", "-", kAsciiSpinner};
  return unicode ? kUnicode : kAscii;
}

std::string_view service_color_code(std::string_view name) {
  // FNV-1a: stable across runs, platforms and standard libraries (std::hash is not).
  std::uint32_t h = 2166136261u;
  for (unsigned char c : name) {
    h ^= c;
    h *= 16777619u;
  }
  return kServicePalette[h % kServicePalette.size()];
}

std::string Style::service(std::string_view name, std::string_view text) const {
  return wrap(service_color_code(name), text);
}

std::string Style::wrap(std::string_view sgr, std::string_view text) const {
  if (!color_) return std::string(text);
  std::string out;
  out.reserve(text.size() + sgr.size() + 7);
  out.append("\x1b[").append(sgr).append("m").append(text).append("\x1b[0m");
  return out;
}

}  // namespace ollama_stack::cli
