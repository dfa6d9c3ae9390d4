#include "ollama_stack/compose/units.hpp"

#include <cctype>
#include <cmath>
#include <string>

namespace ollama_stack::compose {
namespace {

// Reads a non-negative decimal number ("12", "1.5", ".5") at the start of `text`.
std::optional<double> take_number(std::string_view& text) {
  size_t i = 0;
  bool digits = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, digits = true;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, digits = true;
  }
  if (!digits) return std::nullopt;
  double value = std::stod(std::string(text.substr(0, i)));
  text.remove_prefix(i);
  return value;
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  if (text == "0") return std::chrono::nanoseconds(0);
  if (text.empty()) return std::nullopt;
  double total = 0;
  while (!text.empty()) {
    auto number = take_number(text);
    if (!number) return std::nullopt;
    size_t unit_length = 0;
    while (unit_length < text.size() &&
           !std::isdigit(static_cast<unsigned char>(text[unit_length])) &&
           text[unit_length] != '.') {
      ++unit_length;
    }
    std::string_view unit = text.substr(0, unit_length);
    text.remove_prefix(unit_length);
    double scale = 0;
    if (unit == "ns")
      scale = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      scale = 1e3;
    else if (unit == "ms")
      scale = 1e6;
    else if (unit == "s")
      scale = 1e9;
    else if (unit == "m")
      scale = 60e9;
    else if (unit == "h")
      scale = 3600e9;
    else
      return std::nullopt;  // includes a missing unit
    total += *number * scale;
  }
  if (total > 9.2e18) return std::nullopt;
  return std::chrono::nanoseconds(std::llround(total));
}

std::optional<int64_t> parse_byte_size(std::string_view text) {
  auto number = take_number(text);
  if (!number) return std::nullopt;
  std::string unit;
  for (char c : text) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  double scale = 1;
  if (!unit.empty() && unit != "b") {
    const std::string prefixes = "kmgtp";
    auto at = prefixes.find(unit[0]);
    if (at == std::string::npos) return std::nullopt;
    std::string_view suffix = std::string_view(unit).substr(1);
    if (!suffix.empty() && suffix != "b" && suffix != "ib") return std::nullopt;
    scale = std::pow(1024.0, static_cast<double>(at + 1));
  }
  double bytes = *number * scale;
  if (bytes > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(std::llround(bytes));
}

}  // namespace ollama_stack::compose
