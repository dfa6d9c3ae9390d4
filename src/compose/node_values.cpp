#include "node_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {

void fail_at(const Location& where, std::string_view path, std::string_view what,
             std::string hint) {
  if (path.empty())
    throw ConfigError(fmt::format("{}: {}", to_string(where), what), std::move(hint));
  throw ConfigError(fmt::format("{}: {}: {}", to_string(where), path, what), std::move(hint));
}

void fail_at(const Node& node, std::string_view path, std::string_view what, std::string hint) {
  fail_at(node.location, path, what, std::move(hint));
}

std::string join_path(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return fmt::format("{}.{}", path, key);
}

std::string index_path(std::string_view path, size_t index) {
  return fmt::format("{}[{}]", path, index);
}

std::string_view kind_name(const Node& node) {
  switch (node.kind) {
    case Node::Kind::null:
      return "null";
    case Node::Kind::scalar:
      return "a single value";
    case Node::Kind::sequence:
      return "a list";
    case Node::Kind::mapping:
      return "a mapping";
  }
  return "?";
}

void require_mapping(const Node& node, std::string_view path) {
  if (!node.is_mapping())
    fail_at(node, path, fmt::format("must be a mapping, not {}", kind_name(node)));
}

void require_sequence(const Node& node, std::string_view path) {
  if (!node.is_sequence())
    fail_at(node, path, fmt::format("must be a list, not {}", kind_name(node)));
}

void check_keys(const Node& mapping, std::string_view path,
                std::initializer_list<std::string_view> allowed, bool allow_extensions) {
  for (const auto& entry : mapping.entries) {
    if (allow_extensions && entry.key.starts_with("x-")) continue;
    if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) continue;
    std::string supported;
    for (auto key : allowed) supported += (supported.empty() ? "" : ", ") + std::string(key);
    // Long lists (a service's keys) are the compose specification's: point at the reference.
    fail_at(entry.key_location, join_path(path, entry.key),
            "this key is not supported by ollama-stack",
            allowed.size() > 12
                ? "check its spelling against the compose specification (docs/compose.md lists "
                  "every key and what ollama-stack does with it)"
                : fmt::format("remove it; supported here: {}", supported));
  }
}

std::string as_string(const Node& node, std::string_view path) {
  if (!node.is_scalar())
    fail_at(node, path, fmt::format("must be a string, not {}", kind_name(node)));
  return node.value;
}

bool as_bool(const Node& node, std::string_view path) {
  if (node.is_scalar()) {
    std::string v = node.value;
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "true") return true;
    if (v == "false") return false;
  }
  fail_at(node, path,
          node.is_scalar() ? fmt::format("\"{}\" is not a boolean (true or false)", node.value)
                           : fmt::format("must be true or false, not {}", kind_name(node)));
}

int64_t as_int(const Node& node, std::string_view path, int64_t min, int64_t max) {
  if (!node.is_scalar())
    fail_at(node, path, fmt::format("must be a number, not {}", kind_name(node)));
  const std::string& text = node.value;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    fail_at(node, path, fmt::format("\"{}\" is not a whole number", text));
  }
  if (value < min || value > max) {
    fail_at(node, path, fmt::format("{} is out of range ({}-{})", value, min, max));
  }
  return value;
}

double as_number(const Node& node, std::string_view path) {
  if (!node.is_scalar())
    fail_at(node, path, fmt::format("must be a number, not {}", kind_name(node)));
  const std::string& text = node.value;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) {
    fail_at(node, path, fmt::format("\"{}\" is not a number", text));
  }
  return value;
}

std::vector<std::string> as_string_list(const Node& node, std::string_view path) {
  require_sequence(node, path);
  std::vector<std::string> out;
  for (size_t i = 0; i < node.items.size(); ++i) {
    out.push_back(as_string(node.items[i], index_path(path, i)));
  }
  return out;
}

std::vector<std::string> as_string_or_list(const Node& node, std::string_view path) {
  if (node.is_scalar()) return {node.value};
  if (node.is_sequence()) return as_string_list(node, path);
  fail_at(node, path,
          fmt::format("must be a string or a list of strings, not {}", kind_name(node)));
}

std::vector<KeyValue> as_key_values(const Node& node, std::string_view path) {
  std::vector<KeyValue> out;
  auto add = [&](KeyValue kv) {
    auto it =
        std::find_if(out.begin(), out.end(), [&](const KeyValue& e) { return e.key == kv.key; });
    if (it != out.end()) {
      *it = std::move(kv);
    } else {
      out.push_back(std::move(kv));
    }
  };
  if (node.is_mapping()) {
    for (const auto& entry : node.entries) {
      const Node& value = entry.value;
      if (value.is_null()) {
        add({entry.key, std::nullopt, entry.key_location});
      } else if (value.is_scalar()) {
        add({entry.key, value.value, entry.key_location});
      } else {
        fail_at(value, join_path(path, entry.key),
                fmt::format("must be a string, number or boolean, not {}", kind_name(value)));
      }
    }
  } else if (node.is_sequence()) {
    for (size_t i = 0; i < node.items.size(); ++i) {
      std::string text = as_string(node.items[i], index_path(path, i));
      size_t eq = text.find('=');
      if (eq == 0 || text.empty()) {
        fail_at(node.items[i], index_path(path, i),
                fmt::format("\"{}\" has no name before \"=\"", text));
      }
      if (eq == std::string::npos) {
        add({text, std::nullopt, node.items[i].location});
      } else {
        add({text.substr(0, eq), text.substr(eq + 1), node.items[i].location});
      }
    }
  } else {
    fail_at(node, path,
            fmt::format("must be a mapping or a list of \"KEY=value\" strings, not {}",
                        kind_name(node)));
  }
  return out;
}

std::map<std::string, std::string> as_string_map(const Node& node, std::string_view path) {
  std::map<std::string, std::string> out;
  for (auto& kv : as_key_values(node, path)) out[kv.key] = kv.value.value_or("");
  return out;
}

nlohmann::json to_json(const Node& node) {
  switch (node.kind) {
    case Node::Kind::null:
      return nullptr;
    case Node::Kind::scalar:
      return node.value;
    case Node::Kind::sequence: {
      auto out = nlohmann::json::array();
      for (const auto& item : node.items) out.push_back(to_json(item));
      return out;
    }
    case Node::Kind::mapping: {
      auto out = nlohmann::json::object();
      for (const auto& entry : node.entries) out[entry.key] = to_json(entry.value);
      return out;
    }
  }
  return nullptr;
}

}  // namespace ollama_stack::compose
