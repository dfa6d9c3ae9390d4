#include "ollama_stack/compose/interpolate.hpp"

#include <fmt/format.h>

#include <set>

#include "ollama_stack/compose/yaml_document.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {
namespace {

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

class Interpolator {
 public:
  Interpolator(std::string_view text, const VariableLookup& lookup, std::string_view where)
      : text_(text), lookup_(lookup), where_(where) {}

  Interpolated run() {
    Interpolated result;
    result.value = expand(text_, result.unset_variables);
    return result;
  }

 private:
  [[noreturn]] void fail(std::string_view what) const {
    std::string message = fmt::format("invalid interpolation format in \"{}\": {}", text_, what);
    if (!where_.empty()) message = fmt::format("{}: {}", where_, message);
    throw ConfigError(message, "write \"$$\" for a literal \"$\"");
  }

  std::optional<std::string> lookup(const std::string& name) const {
    if (!lookup_) return std::nullopt;
    return lookup_(name);
  }

  std::string expand(std::string_view s, std::vector<std::string>& unset) const {
    std::string out;
    for (size_t i = 0; i < s.size();) {
      if (s[i] != '$') {
        out += s[i++];
        continue;
      }
      if (i + 1 >= s.size()) fail("\"$\" at the end must be followed by a variable name");
      char next = s[i + 1];
      if (next == '$') {
        out += '$';
        i += 2;
      } else if (next == '{') {
        size_t close = matching_brace(s, i + 2);
        out += expand_braced(s.substr(i + 2, close - (i + 2)), unset);
        i = close + 1;
      } else if (is_name_start(next)) {
        size_t end = i + 1;
        while (end < s.size() && is_name_char(s[end])) ++end;
        out += value_or_blank(std::string(s.substr(i + 1, end - i - 1)), unset);
        i = end;
      } else {
        fail(fmt::format("\"${}\" is not a variable reference", next));
      }
    }
    return out;
  }

  // Index of the "}" closing a "${" whose body starts at `start`; nested "${...}" and "$$" are
  // skipped over.
  size_t matching_brace(std::string_view s, size_t start) const {
    int depth = 0;
    for (size_t i = start; i < s.size(); ++i) {
      if (s[i] == '$' && i + 1 < s.size() && (s[i + 1] == '$' || s[i + 1] == '{')) {
        if (s[i + 1] == '{') ++depth;
        ++i;
      } else if (s[i] == '}') {
        if (depth == 0) return i;
        --depth;
      }
    }
    fail("\"${\" is not closed by \"}\"");
  }

  std::string value_or_blank(const std::string& name, std::vector<std::string>& unset) const {
    if (auto value = lookup(name)) return *value;
    unset.push_back(name);
    return "";
  }

  // The body of ${...}: NAME, or NAME followed by an operator and a word.
  std::string expand_braced(std::string_view body, std::vector<std::string>& unset) const {
    size_t end = 0;
    while (end < body.size() && is_name_char(body[end])) ++end;
    std::string name(body.substr(0, end));
    if (name.empty() || !is_name_start(name[0])) {
      fail(fmt::format("\"{}\" is not a valid variable name",
                       body.substr(0, end == 0 ? body.size() : end)));
    }
    if (end == body.size()) return value_or_blank(name, unset);

    bool colon = body[end] == ':';
    size_t op_at = colon ? end + 1 : end;
    if (op_at >= body.size() || (body[op_at] != '-' && body[op_at] != '?' && body[op_at] != '+')) {
      fail(fmt::format(
          "unexpected \"{}\" after variable name {} (expected }}, :-, -, :?, ?, :+ or +)",
          body.substr(end), name));
    }
    char op = body[op_at];
    std::string_view word = body.substr(op_at + 1);
    std::optional<std::string> value = lookup(name);
    // With ":" an empty value counts as missing.
    bool present = value.has_value() && (!colon || !value->empty());
    switch (op) {
      case '-':
        return present ? *value : expand(word, unset);
      case '+':
        return present ? expand(word, unset) : std::string();
      default: {  // '?'
        if (present) return *value;
        std::string message = expand(word, unset);
        std::string text = fmt::format("required variable {} is missing a value", name);
        if (!message.empty()) text += ": " + message;
        if (!where_.empty()) text = fmt::format("{}: {}", where_, text);
        throw ConfigError(text, fmt::format("set {} in the environment or in the .env file", name));
      }
    }
  }

  std::string_view text_;
  const VariableLookup& lookup_;
  std::string_view where_;
};

class DocumentInterpolator {
 public:
  DocumentInterpolator(const VariableLookup& lookup, std::vector<std::string>& warnings)
      : lookup_(lookup), warnings_(warnings) {}

  void walk(Node& node, const std::string& path) {
    switch (node.kind) {
      case Node::Kind::null:
        break;
      case Node::Kind::scalar:
        interpolate_scalar(node, path);
        break;
      case Node::Kind::sequence:
        for (size_t i = 0; i < node.items.size(); ++i) {
          walk(node.items[i], fmt::format("{}[{}]", path, i));
        }
        break;
      case Node::Kind::mapping:
        for (auto& entry : node.entries) {
          walk(entry.value, path.empty() ? entry.key : path + "." + entry.key);
        }
        break;
    }
  }

 private:
  void interpolate_scalar(Node& node, const std::string& path) {
    if (node.value.find('$') == std::string::npos) return;
    std::string where = fmt::format("{}: {}", to_string(node.location), path);
    Interpolated result = interpolate(node.value, lookup_, where);
    node.value = std::move(result.value);
    for (const auto& name : result.unset_variables) {
      if (!warned_.insert(name).second) continue;
      warnings_.push_back(fmt::format(
          "{}: the \"{}\" variable is not set; defaulting to a blank string", where, name));
    }
  }

  const VariableLookup& lookup_;
  std::vector<std::string>& warnings_;
  std::set<std::string> warned_;
};

}  // namespace

Interpolated interpolate(std::string_view text, const VariableLookup& lookup,
                         std::string_view where) {
  return Interpolator(text, lookup, where).run();
}

void interpolate_document(Node& document, const VariableLookup& lookup,
                          std::vector<std::string>& warnings) {
  DocumentInterpolator(lookup, warnings).walk(document, "");
}

}  // namespace ollama_stack::compose
