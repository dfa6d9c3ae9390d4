#pragma once
// Typed reads of document nodes. Every failure is a ConfigError
// "file:line: key.path: what is wrong".
#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ollama_stack/compose/yaml_document.hpp"

namespace ollama_stack::compose {

[[noreturn]] void fail_at(const Location& where, std::string_view path, std::string_view what,
                          std::string hint = {});
[[noreturn]] void fail_at(const Node& node, std::string_view path, std::string_view what,
                          std::string hint = {});

std::string join_path(std::string_view path, std::string_view key);
std::string index_path(std::string_view path, size_t index);

// Human name of a node's kind for "must be X, not Y" messages.
std::string_view kind_name(const Node& node);

void require_mapping(const Node& node, std::string_view path);
void require_sequence(const Node& node, std::string_view path);

// Every key of `mapping` must be in `allowed` (or start with "x-" when `allow_extensions`);
// anything else is reported as unsupported.
void check_keys(const Node& mapping, std::string_view path,
                std::initializer_list<std::string_view> allowed, bool allow_extensions = false);

std::string as_string(const Node& node, std::string_view path);
bool as_bool(const Node& node, std::string_view path);
int64_t as_int(const Node& node, std::string_view path, int64_t min, int64_t max);
double as_number(const Node& node, std::string_view path);
// A list of strings.
std::vector<std::string> as_string_list(const Node& node, std::string_view path);
// A string or a list of strings.
std::vector<std::string> as_string_or_list(const Node& node, std::string_view path);

// `KEY=VAL` / `KEY` list or mapping (environment, labels, build args). A missing value
// (list "KEY", mapping "KEY:" / null) is nullopt. Later duplicates replace earlier ones.
struct KeyValue {
  std::string key;
  std::optional<std::string> value;
  Location location;
};
std::vector<KeyValue> as_key_values(const Node& node, std::string_view path);
// The same as a map; a missing value is "" (labels, driver_opts, sysctls...).
std::map<std::string, std::string> as_string_map(const Node& node, std::string_view path);

// Calls fn(key, value, path) — or fn(key, value, path, key_location) — for each entry of a
// mapping whose value is set (not null) and that is not an x-* extension.
template <typename Fn>
void for_each_set(const Node& mapping, std::string_view path, Fn fn) {
  for (const auto& entry : mapping.entries) {
    if (entry.value.is_null() || entry.key.starts_with("x-")) continue;
    if constexpr (std::is_invocable_v<Fn, const std::string&, const Node&, const std::string&, const Location&>)
      fn(entry.key, entry.value, join_path(path, entry.key), entry.key_location);
    else
      fn(entry.key, entry.value, join_path(path, entry.key));
  }
}

// The node as JSON (scalars as strings), for x-* extension fields.
nlohmann::json to_json(const Node& node);

}  // namespace ollama_stack::compose
