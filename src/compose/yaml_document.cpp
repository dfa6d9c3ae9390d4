#include "ollama_stack/compose/yaml_document.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {

const Node* Node::find(std::string_view key) const {
  for (const auto& entry : entries) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

Node* Node::find(std::string_view key) {
  for (auto& entry : entries) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

Node& Node::set(std::string key, Node node, Location key_location) {
  for (auto& entry : entries) {
    if (entry.key == key) {
      entry.value = std::move(node);
      return entry.value;
    }
  }
  entries.push_back(MapEntry{std::move(key), std::move(key_location), std::move(node)});
  return entries.back().value;
}

bool Node::erase(std::string_view key) {
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&](const MapEntry& entry) { return entry.key == key; });
  if (it == entries.end()) return false;
  entries.erase(it);
  return true;
}

Node Node::scalar(std::string text, Location where) {
  Node node;
  node.kind = Kind::scalar;
  node.value = std::move(text);
  node.location = std::move(where);
  return node;
}

Node Node::mapping(Location where) {
  Node node;
  node.kind = Kind::mapping;
  node.location = std::move(where);
  return node;
}

std::string to_string(const Location& location) {
  return fmt::format("{}:{}", location.file, location.line);
}

namespace {

bool is_plain_null(const std::string& text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

class Converter {
 public:
  explicit Converter(const std::string& file) : file_(file) {}

  // `fallback` is used for nodes yaml-cpp gives no useful mark (an empty value).
  Node convert(const YAML::Node& in, const Location& fallback) {
    // Aliases are expanded into copies: guard against alias cycles and alias bombs.
    if (++nodes_ > kMaxNodes || depth_ >= kMaxDepth) {
      throw ConfigError(
          fmt::format("{}: the document nests too deeply or expands to too many values "
                      "(an alias that refers to itself?)",
                      to_string(location_of(in, fallback))));
    }
    ++depth_;
    Node out = convert_node(in, fallback);
    --depth_;
    return out;
  }

 private:
  static constexpr int kMaxDepth = 100;
  static constexpr long kMaxNodes = 200'000;

  Node convert_node(const YAML::Node& in, const Location& fallback) {
    Node out;
    out.location = location_of(in, fallback);
    out.tag = tag_of(in, out.location);
    switch (in.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = Node::Kind::null;
        out.location = fallback;
        break;
      case YAML::NodeType::Scalar:
        // A tagged plain `null` (`!reset null`) arrives as a scalar; it is still null.
        if (out.tag != Node::Tag::none && in.Tag() != "!" && is_plain_null(in.Scalar())) {
          out.kind = Node::Kind::null;
        } else {
          out.kind = Node::Kind::scalar;
          out.value = in.Scalar();
        }
        break;
      case YAML::NodeType::Sequence:
        out.kind = Node::Kind::sequence;
        for (const auto& item : in) out.items.push_back(convert(item, out.location));
        break;
      case YAML::NodeType::Map:
        out.kind = Node::Kind::mapping;
        convert_mapping(in, out);
        break;
    }
    return out;
  }

  Location location_of(const YAML::Node& in, const Location& fallback) const {
    const auto mark = in.Mark();
    if (mark.is_null() || mark.line < 0) return fallback;
    return Location{file_, mark.line + 1};
  }

  Node::Tag tag_of(const YAML::Node& in, const Location& where) const {
    const std::string& tag = in.Tag();
    if (tag == "!reset") return Node::Tag::reset;
    if (tag == "!override") return Node::Tag::override_;
    if (tag.empty() || tag == "?" || tag == "!" || tag.starts_with("tag:yaml.org,2002:")) {
      return Node::Tag::none;
    }
    throw ConfigError(fmt::format("{}: unknown YAML tag \"{}\"", to_string(where), tag),
                      "only !reset and !override are supported");
  }

  void convert_mapping(const YAML::Node& in, Node& out) {
    std::set<std::string> merged_keys;  // keys that came from `<<` and may be overridden
    for (auto it = in.begin(); it != in.end(); ++it) {
      const YAML::Node& key = it->first;
      Location key_location = location_of(key, out.location);
      if (!key.IsScalar()) {
        throw ConfigError(fmt::format("{}: mapping keys must be strings", to_string(key_location)));
      }
      const std::string& name = key.Scalar();
      if (name == "<<" && key.Tag() != "!") {
        merge_sources(it->second, key_location, out, merged_keys);
        continue;
      }
      Node value = convert(it->second, key_location);
      if (out.find(name) != nullptr && !merged_keys.contains(name)) {
        throw ConfigError(fmt::format("{}: duplicate key \"{}\" in the same mapping",
                                      to_string(key_location), name));
      }
      merged_keys.erase(name);
      out.set(name, std::move(value), key_location);
    }
  }

  // `<<: *a` or `<<: [*a, *b]`: keys of the merged maps that the mapping does not set itself
  // are added; among several maps the earlier one wins (YAML 1.1 merge key semantics).
  // Explicit keys may come before or after `<<`, so merged entries are recorded and an
  // explicit key replaces them.
  void merge_sources(const YAML::Node& value, const Location& where, Node& out,
                     std::set<std::string>& merged_keys) {
    std::vector<YAML::Node> sources;
    if (value.IsMap()) {
      sources.push_back(value);
    } else if (value.IsSequence()) {
      for (const auto& item : value) {
        if (!item.IsMap()) {
          throw ConfigError(
              fmt::format("{}: a merge key (<<) list may only hold mappings", to_string(where)));
        }
        sources.push_back(item);
      }
    } else {
      throw ConfigError(fmt::format(
          "{}: a merge key (<<) needs a mapping or a list of mappings (e.g. <<: *anchor)",
          to_string(where)));
    }
    for (const auto& source : sources) {
      Node merged = convert(source, where);
      for (auto& entry : merged.entries) {
        if (out.find(entry.key) != nullptr) continue;  // explicit or earlier merge wins
        merged_keys.insert(entry.key);
        out.entries.push_back(std::move(entry));
      }
    }
  }

  const std::string& file_;
  int depth_ = 0;
  long nodes_ = 0;
};

}  // namespace

Node parse_yaml(std::string_view text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}:{}: invalid YAML: {}", file, e.mark.line + 1, e.msg));
  }
  Converter converter(file);
  return converter.convert(root, Location{file, 1});
}

}  // namespace ollama_stack::compose
