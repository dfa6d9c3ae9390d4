#include "ollama_stack/compose/dotenv.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/printable.hpp"

namespace ollama_stack::compose {
namespace {

bool is_key_char(char c, bool first) {
  bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  if (first) return letter;
  return letter || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

class DotenvParser {
 public:
  DotenvParser(std::string_view text, const std::string& path, const VariableLookup& lookup, bool bare_keys)
      : text_(text), path_(path), lookup_(lookup), bare_keys_(bare_keys) {}

  std::vector<DotenvEntry> run() {
    while (pos_ < text_.size()) parse_line();
    return std::move(entries_);
  }

 private:
  [[noreturn]] void fail(int line, std::string_view what) const {
    throw ConfigError(fmt::format("{}:{}: {}", path_, line, what),
                      "lines look like KEY=value, KEY=\"value\" or KEY='value'");
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\n'; }
  bool at_line_end() const { return pos_ >= text_.size() || text_[pos_] == '\n'; }
  void skip_blanks() {
    while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
  }
  void next_line() {
    while (!at_line_end()) ++pos_;
    if (pos_ < text_.size()) ++pos_, ++line_;
  }

  void parse_line() {
    skip_blanks();
    if (at_line_end() || peek() == '#') return next_line();
    int line = line_;
    if (text_.substr(pos_).starts_with("export ") || text_.substr(pos_).starts_with("export\t")) {
      pos_ += 7;
      skip_blanks();
    }
    size_t start = pos_;
    while (pos_ < text_.size() && is_key_char(text_[pos_], pos_ == start)) ++pos_;
    std::string key(text_.substr(start, pos_ - start));
    if (key.empty())
      fail(line, fmt::format("\"{}\" does not start with a variable name", util::printable(rest_of_line(start))));
    skip_blanks();
    if (at_line_end() || peek() == '#') {  // bare KEY: take the caller's value
      if (!bare_keys_)
        fail(line, fmt::format("\"{}\" is not KEY=value (a name alone means nothing here)", util::printable(key)));
      next_line();
      if (auto value = lookup(key)) add(key, *value);
      return;
    }
    if (peek() != '=')
      fail(line,
           fmt::format(
               "expected \"=\" after {} (variable names may only hold letters, digits, _ . -)",
               key));
    ++pos_;
    skip_blanks();
    std::string value;
    if (peek() == '\'') {
      value = quoted('\'', key, line);
    } else if (peek() == '"') {
      value = interpolate_value(quoted('"', key, line), line);
    } else {
      value = interpolate_value(unquoted(), line);
    }
    skip_blanks();
    if (!at_line_end() && peek() != '#') {
      fail(line_, fmt::format("unexpected text after the quoted value of {}", key));
    }
    next_line();
    add(key, std::move(value));
  }

  std::string rest_of_line(size_t start) const {
    size_t end = text_.find('\n', start);
    return std::string(text_.substr(start, end == std::string_view::npos ? end : end - start));
  }

  // An unquoted value ends at the line end or at a "#" preceded by whitespace.
  std::string unquoted() {
    size_t start = pos_;
    while (!at_line_end() && !(peek() == '#' && pos_ > start && is_blank(text_[pos_ - 1]))) ++pos_;
    std::string value(text_.substr(start, pos_ - start));
    while (!value.empty() && is_blank(value.back())) value.pop_back();
    return value;
  }

  // Single quotes are literal; double quotes process escapes. Both may span lines. In the
  // double-quoted result a literal "$" (from "\$") is written as "$$" so interpolation keeps it.
  std::string quoted(char quote, const std::string& key, int line) {
    ++pos_;
    std::string value;
    while (true) {
      if (pos_ >= text_.size())
        fail(line, fmt::format("the quoted value of {} is not closed", key));
      char c = text_[pos_++];
      if (c == quote) return value;
      if (c == '\n') ++line_;
      if (quote == '"' && c == '\\' && pos_ < text_.size()) {
        char e = text_[pos_++];
        switch (e) {
          case 'n':
            value += '\n';
            break;
          case 't':
            value += '\t';
            break;
          case 'r':
            value += '\r';
            break;
          case '\\':
            value += '\\';
            break;
          case '"':
            value += '"';
            break;
          case '$':
            value += "$$";
            break;
          default:
            value += '\\';
            value += e;
            if (e == '\n') ++line_;
        }
        continue;
      }
      value += c;
    }
  }

  std::string interpolate_value(const std::string& raw, int line) const {
    if (raw.find('$') == std::string::npos) return raw;
    VariableLookup scoped = [this](std::string_view name) -> std::optional<std::string> {
      for (const auto& entry : entries_) {
        if (entry.key == name) return entry.value;
      }
      return lookup(std::string(name));
    };
    return interpolate(raw, scoped, fmt::format("{}:{}", path_, line)).value;
  }

  std::optional<std::string> lookup(const std::string& name) const {
    if (!lookup_) return std::nullopt;
    return lookup_(name);
  }

  void add(const std::string& key, std::string value) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const DotenvEntry& entry) { return entry.key == key; });
    if (it != entries_.end()) {
      it->value = std::move(value);
    } else {
      entries_.push_back(DotenvEntry{key, std::move(value)});
    }
  }

  std::string_view text_;
  const std::string& path_;
  const VariableLookup& lookup_;
  bool bare_keys_;
  size_t pos_ = 0;
  int line_ = 1;
  std::vector<DotenvEntry> entries_;
};

}  // namespace

std::vector<DotenvEntry> parse_dotenv(std::string_view text, const std::string& path,
                                      const VariableLookup& lookup, bool bare_keys) {
  return DotenvParser(text, path, lookup, bare_keys).run();
}

}  // namespace ollama_stack::compose
