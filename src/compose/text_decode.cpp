#include "ollama_stack/compose/text_decode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {
namespace {

[[noreturn]] void fail(const std::string& path, std::string_view what) {
  throw ConfigError(fmt::format("{}: {}", path, what),
                    "save the file as UTF-8 (or UTF-16 with a byte order mark)");
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string decode_utf16(std::string_view bytes, bool big_endian, const std::string& path) {
  if (bytes.size() % 2 != 0) fail(path, "UTF-16 text has an odd number of bytes");
  auto unit_at = [&](size_t i) {
    auto hi = static_cast<uint8_t>(bytes[big_endian ? i : i + 1]);
    auto lo = static_cast<uint8_t>(bytes[big_endian ? i + 1 : i]);
    return static_cast<uint32_t>((hi << 8) | lo);
  };
  std::string out;
  out.reserve(bytes.size() / 2);
  for (size_t i = 0; i < bytes.size(); i += 2) {
    uint32_t unit = unit_at(i);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (i + 2 >= bytes.size()) fail(path, "UTF-16 text ends inside a surrogate pair");
      uint32_t low = unit_at(i + 2);
      if (low < 0xDC00 || low > 0xDFFF) fail(path, "UTF-16 text has an unpaired surrogate");
      append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
      i += 2;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      fail(path, "UTF-16 text has an unpaired surrogate");
    } else {
      append_utf8(out, unit);
    }
  }
  return out;
}

// Length of the UTF-8 sequence starting at `i`, or 0 when it is malformed.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t first = byte(i);
  size_t length = 0;
  uint32_t min = 0;
  uint32_t cp = 0;
  if (first < 0x80) return 1;
  if ((first & 0xE0) == 0xC0) {
    length = 2, min = 0x80, cp = first & 0x1Fu;
  } else if ((first & 0xF0) == 0xE0) {
    length = 3, min = 0x800, cp = first & 0x0Fu;
  } else if ((first & 0xF8) == 0xF0) {
    length = 4, min = 0x10000, cp = first & 0x07u;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::string decode_text(std::string_view bytes, const std::string& path) {
  if (bytes.starts_with("\xFF\xFE")) return decode_utf16(bytes.substr(2), false, path);
  if (bytes.starts_with("\xFE\xFF")) return decode_utf16(bytes.substr(2), true, path);
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  for (size_t i = 0; i < bytes.size();) {
    size_t length = utf8_sequence_length(bytes, i);
    if (length == 0) {
      auto line =
          1 + std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(i), '\n');
      fail(fmt::format("{}:{}", path, line), "the file is not valid UTF-8");
    }
    i += length;
  }
  return std::string(bytes);
}

}  // namespace ollama_stack::compose
