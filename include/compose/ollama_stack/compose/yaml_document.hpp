#pragma once
// A YAML document as a plain value tree in which every node remembers the file and line it came
// from, so any stage (interpolate, validate, merge, convert) can report an exact location.
// YAML merge keys (`<<:`) are resolved while parsing; `!reset` / `!override` tags are kept for
// the merge stage.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ollama_stack::compose {

struct Location {
  std::string file;
  int line = 0;  // 1-based
};

struct Node;

struct MapEntry;

struct Node {
  enum class Kind { null, scalar, sequence, mapping };
  enum class Tag { none, reset, override_ };

  Kind kind = Kind::null;
  Tag tag = Tag::none;
  std::string value;              // scalar text (also for numbers and booleans)
  std::vector<Node> items;        // sequence
  std::vector<MapEntry> entries;  // mapping, in file order, keys unique
  Location location;

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_mapping() const { return kind == Kind::mapping; }

  // Mapping lookup; nullptr when absent or when this is not a mapping.
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  // Mapping insert-or-replace, keeping the position of an existing key.
  Node& set(std::string key, Node value, Location key_location);
  bool erase(std::string_view key);

  static Node scalar(std::string text, Location where);
  static Node mapping(Location where);
};

struct MapEntry {
  std::string key;
  Location key_location;
  Node value;
};

// "file:line" for messages.
std::string to_string(const Location& location);

// Parses UTF-8 YAML text (one document). An empty document yields a null node. Throws
// ConfigError on syntax errors, duplicate keys, unknown tags and malformed merge keys.
Node parse_yaml(std::string_view text, const std::string& file);

}  // namespace ollama_stack::compose
