#pragma once
// Display width of UTF-8 text in terminal columns, and cutting/padding text to an exact width.
// Width comes from fixed Unicode tables (src/cli/output/char_width_table.cpp), not wcwidth():
// the locale a CLI runs under says little about the terminal that shows its output.
//
//  ASCII printable 1; controls 0; combining and format characters 0; East Asian Wide/Fullwidth
//  and emoji 2; everything else 1. ANSI escape sequences (CSI such as colours, OSC such as
//  hyperlinks) are 0. Invalid UTF-8 bytes count 1 each (they show as U+FFFD).
#include <cstddef>
#include <string>
#include <string_view>

namespace ollama_stack::cli {

enum class Align { left, right };

// Columns one code point takes: 0, 1 or 2.
int codepoint_width(char32_t cp);

// Columns the text takes on a terminal.
std::size_t display_width(std::string_view text);

// The text without ANSI escape sequences.
std::string strip_ansi(std::string_view text);

// At most width columns: the text itself if it fits, else its longest prefix that fits
// together with the ellipsis, followed by the ellipsis (the ellipsis alone cut if width is
// smaller than it). Escape sequences before the cut are kept and, if there were any, a reset
// (ESC[0m) is appended so colour cannot leak into what follows.
std::string truncate_to_width(std::string_view text, std::size_t width,
                              std::string_view ellipsis = "…");

// Spaces added on the right (left align) or left (right align) up to width columns; text that
// is already as wide or wider is returned unchanged.
std::string pad_to_width(std::string_view text, std::size_t width, Align align = Align::left);

// Exactly width columns: truncated, then padded. (A wide character that would straddle the
// edge is replaced by padding.)
std::string fit_to_width(std::string_view text, std::size_t width, Align align = Align::left,
                         std::string_view ellipsis = "…");

}  // namespace ollama_stack::cli
