#include "ollama_stack/cli/text_width.hpp"

#include <algorithm>

#include "char_width_table.hpp"

namespace ollama_stack::cli {
namespace {

using detail::CodepointRange;

bool in_table(char32_t cp, const CodepointRange* table, std::size_t count) {
  const CodepointRange* end = table + count;
  // First range whose last >= cp; cp is in the table if that range starts at or before it.
  const CodepointRange* it = std::lower_bound(
      table, end, cp, [](const CodepointRange& r, char32_t c) { return r.last < c; });
  return it != end && it->first <= cp;
}

constexpr unsigned char kEsc = 0x1b;

// Length of the escape sequence starting at s[i] (s[i] is ESC). Unterminated sequences run to
// the end of the text: better to hide a broken fragment than to count its bytes as columns.
std::size_t escape_length(std::string_view s, std::size_t i) {
  std::size_t j = i + 1;
  if (j >= s.size()) return 1;
  const auto kind = static_cast<unsigned char>(s[j]);
  if (kind == '[') {  // CSI: parameters 0x30-0x3F, intermediates 0x20-0x2F, final 0x40-0x7E
    for (++j; j < s.size(); ++j) {
      const auto c = static_cast<unsigned char>(s[j]);
      if (c >= 0x40 && c <= 0x7e) return j + 1 - i;
      if (c < 0x20 || c > 0x3f) return j - i;  // malformed: stop before the stray byte
    }
    return s.size() - i;
  }
  if (kind == ']' || kind == 'P' || kind == '_' || kind == '^') {  // OSC, DCS, APC, PM
    for (++j; j < s.size(); ++j) {
      const auto c = static_cast<unsigned char>(s[j]);
      if (c == 0x07) return j + 1 - i;                                          // BEL
      if (c == kEsc && j + 1 < s.size() && s[j + 1] == '\\') return j + 2 - i;  // ST
    }
    return s.size() - i;
  }
  return 2;  // two-byte escape such as ESC c or ESC 7
}

struct Decoded {
  char32_t cp;
  std::size_t length;
};

// One UTF-8 sequence at s[i]; an invalid byte decodes to U+FFFD of length 1.
Decoded decode(std::string_view s, std::size_t i) {
  constexpr Decoded kInvalid{0xfffd, 1};
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xe0) == 0xc0) {
    len = 2, cp = b0 & 0x1f, min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3, cp = b0 & 0x0f, min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return kInvalid;
  }
  if (i + len > s.size()) return kInvalid;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xc0) != 0x80) return kInvalid;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return kInvalid;
  return {cp, len};
}

// Calls f(bytes, width, is_escape) for each escape sequence and each code point of text.
template <typename F>
void for_each_unit(std::string_view text, F&& f) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) == kEsc) {
      const std::size_t n = escape_length(text, i);
      if (!f(text.substr(i, n), 0, true)) return;
      i += n;
      continue;
    }
    const Decoded d = decode(text, i);
    if (!f(text.substr(i, d.length), static_cast<std::size_t>(codepoint_width(d.cp)), false)) {
      return;
    }
    i += d.length;
  }
}

}  // namespace

int codepoint_width(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;  // C0, DEL, C1 controls
  if (cp < 0x300) return 1;                              // Latin before the first mark
  if (in_table(cp, detail::kZeroWidthRanges, detail::kZeroWidthRangeCount)) return 0;
  if (in_table(cp, detail::kWideRanges, detail::kWideRangeCount)) return 2;
  return 1;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for_each_unit(text, [&](std::string_view, std::size_t w, bool) {
    width += w;
    return true;
  });
  return width;
}

std::string strip_ansi(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_unit(text, [&](std::string_view bytes, std::size_t, bool escape) {
    if (!escape) out.append(bytes);
    return true;
  });
  return out;
}

std::string truncate_to_width(std::string_view text, std::size_t width, std::string_view ellipsis) {
  if (display_width(text) <= width) return std::string(text);
  const std::size_t ellipsis_width = display_width(ellipsis);
  if (ellipsis_width > width) return truncate_to_width(ellipsis, width, "");

  const std::size_t budget = width - ellipsis_width;
  std::string out;
  std::size_t used = 0;
  bool had_escape = false;
  for_each_unit(text, [&](std::string_view bytes, std::size_t w, bool escape) {
    if (used + w > budget) return false;
    used += w;
    had_escape = had_escape || escape;
    out.append(bytes);
    return true;
  });
  out.append(ellipsis);
  if (had_escape) out.append("\x1b[0m");
  return out;
}

std::string pad_to_width(std::string_view text, std::size_t width, Align align) {
  const std::size_t w = display_width(text);
  if (w >= width) return std::string(text);
  const std::string pad(width - w, ' ');
  return align == Align::left ? std::string(text) + pad : pad + std::string(text);
}

std::string fit_to_width(std::string_view text, std::size_t width, Align align,
                         std::string_view ellipsis) {
  return pad_to_width(truncate_to_width(text, width, ellipsis), width, align);
}

}  // namespace ollama_stack::cli
