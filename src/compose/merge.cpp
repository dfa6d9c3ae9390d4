#include "ollama_stack/compose/merge.hpp"

#include <algorithm>
#include <string>

#include "node_values.hpp"
#include "ollama_stack/compose/mounts.hpp"

namespace ollama_stack::compose {
namespace {

Node mapping_like(const Node& original) {
  Node out = Node::mapping(original.location);
  out.tag = original.tag;
  return out;
}

// `KEY=VAL` lists → {KEY: VAL}; a bare KEY → {KEY: null}.
void key_values_to_mapping(Node& node) {
  if (!node.is_sequence()) return;
  Node out = mapping_like(node);
  for (auto& kv : as_key_values(node, "")) {
    Node value;
    value.location = kv.location;
    if (kv.value) value = Node::scalar(*kv.value, kv.location);
    out.set(kv.key, std::move(value), kv.location);
  }
  node = std::move(out);
}

// "host:ip" / "host=ip" list → {host: ip}.
void hosts_to_mapping(Node& node) {
  if (!node.is_sequence()) return;
  Node out = mapping_like(node);
  for (const auto& item : node.items) {
    size_t split = item.value.find('=');
    if (split == std::string::npos) split = item.value.find(':');
    std::string host = item.value.substr(0, split);
    std::string ip = split == std::string::npos ? "" : item.value.substr(split + 1);
    out.set(host, Node::scalar(ip, item.location), item.location);
  }
  node = std::move(out);
}

// [a, b] → {a: null, b: null}.
void names_to_mapping(Node& node) {
  if (!node.is_sequence()) return;
  Node out = mapping_like(node);
  for (const auto& item : node.items) {
    Node empty;
    empty.location = item.location;
    out.set(item.value, std::move(empty), item.location);
  }
  node = std::move(out);
}

// A single string → a one-item list (dns: 8.8.8.8, tmpfs: /run, env_file: .env).
void string_to_list(Node& node) {
  if (!node.is_scalar()) return;
  Node item = node;
  item.tag = Node::Tag::none;
  Node out;
  out.kind = Node::Kind::sequence;
  out.tag = node.tag;
  out.location = node.location;
  out.items.push_back(std::move(item));
  node = std::move(out);
}

// The key that makes a list item unique under Compose's merge rules (override/uncity.go in
// compose-go); "" = the list has no such rule (items are appended).
std::string unique_key(const std::string& pattern, const Node& item) {
  auto last = pattern.substr(pattern.rfind('.') + 1);
  auto text = [&] { return item.is_scalar() ? item.value : std::string(); };
  auto field = [&](std::string_view key) {
    const Node* value = item.is_mapping() ? item.find(key) : nullptr;
    return value && value->is_scalar() ? value->value : std::string();
  };
  if (last == "aliases" || last == "link_local_ips")
    return pattern.starts_with("services.*.networks.") ? text() : std::string();
  if (pattern != "services.*." + last) return {};
  if (last == "cap_add" || last == "cap_drop" || last == "dns" || last == "dns_opt" ||
      last == "dns_search" || last == "expose" || last == "links" || last == "profiles" ||
      last == "tmpfs" || last == "external_links")
    return text().substr(0, text().find('='));
  if (last == "volumes") return volume_target(item);
  if (last == "env_file") return item.is_mapping() ? field("path") : text();
  if (last == "devices") {
    if (item.is_mapping()) return field("target").empty() ? field("source") : field("target");
    auto parts = text();
    auto colon = parts.find(':');
    return colon == std::string::npos
               ? parts
               : parts.substr(colon + 1, parts.find(':', colon + 1) - colon - 1);
  }
  if (last == "configs" || last == "secrets") {
    const std::string base = last == "secrets" ? "/run/secrets/" : "/";
    if (item.is_scalar()) return base + text();
    auto target = field("target");
    if (target.empty()) return base + field("source");
    return target.starts_with('/') ? target : base + target;
  }
  return {};
}

// Later items replace earlier ones with the same unique key, in the earlier one's place.
void enforce_unique(Node& list, const std::string& pattern) {
  if (!list.is_sequence()) return;
  std::vector<Node> kept;
  std::vector<std::string> keys;
  for (auto& item : list.items) {
    std::string key = unique_key(pattern, item);
    auto same = key.empty() ? keys.end() : std::find(keys.begin(), keys.end(), key);
    if (same != keys.end()) {
      kept[static_cast<size_t>(same - keys.begin())] = std::move(item);
    } else {
      kept.push_back(std::move(item));
      keys.push_back(std::move(key));
    }
  }
  list.items = std::move(kept);
}

}  // namespace

void normalize_service(Node& service) {
  if (!service.is_mapping()) return;
  for (auto& entry : service.entries) {
    Node& value = entry.value;
    if (entry.key == "dns" || entry.key == "dns_search" || entry.key == "tmpfs" ||
        entry.key == "env_file" || entry.key == "label_file")
      string_to_list(value);
    enforce_unique(value, "services.*." + entry.key);
    if (entry.key == "networks" && value.is_mapping()) {
      for (auto& network : value.entries) {
        if (Node* aliases = network.value.is_mapping() ? network.value.find("aliases") : nullptr)
          enforce_unique(*aliases, "services.*.networks.*.aliases");
      }
    }
    if (entry.key == "environment" || entry.key == "labels" || entry.key == "sysctls" ||
        entry.key == "annotations") {
      key_values_to_mapping(value);
    } else if (entry.key == "deploy" && value.is_mapping()) {
      if (Node* labels = value.find("labels")) key_values_to_mapping(*labels);
    } else if (entry.key == "extra_hosts") {
      hosts_to_mapping(value);
    } else if (entry.key == "depends_on" || entry.key == "networks") {
      names_to_mapping(value);
    } else if (entry.key == "build") {
      if (value.is_scalar()) {
        Node context = value;
        context.tag = Node::Tag::none;
        Node out = mapping_like(value);
        out.set("context", std::move(context), entry.key_location);
        value = std::move(out);
      }
      if (Node* args = value.find("args")) key_values_to_mapping(*args);
      if (Node* labels = value.find("labels")) key_values_to_mapping(*labels);
    }
  }
}

namespace {

// A copy without tags; `!reset` entries are dropped (resetting something that was never set
// leaves nothing).
Node without_tags(const Node& node) {
  Node out = node;
  out.tag = Node::Tag::none;
  out.items.clear();
  out.entries.clear();
  for (const auto& item : node.items) out.items.push_back(without_tags(item));
  for (const auto& entry : node.entries) {
    if (entry.value.tag == Node::Tag::reset) continue;
    out.entries.push_back(MapEntry{entry.key, entry.key_location, without_tags(entry.value)});
  }
  return out;
}

bool replaces_list(const std::string& pattern) {
  return pattern == "services.*.command" || pattern == "services.*.entrypoint" ||
         pattern == "services.*.healthcheck.test";
}

// `logging` merges its options only when both files name the same driver (or one names none).
bool replaces_logging(const Node& base, const Node& over) {
  const Node* base_driver = base.is_mapping() ? base.find("driver") : nullptr;
  const Node* over_driver = over.is_mapping() ? over.find("driver") : nullptr;
  return base_driver && over_driver && base_driver->value != over_driver->value;
}

void merge_value(Node& base, const Node& over, const std::string& pattern);

void merge_mapping(Node& base, const Node& over, const std::string& pattern) {
  for (const auto& entry : over.entries) {
    std::string child = pattern == "services" ? "services.*" : join_path(pattern, entry.key);
    if (entry.value.tag == Node::Tag::reset) {
      base.erase(entry.key);
      continue;
    }
    Node* existing = base.find(entry.key);
    if (existing == nullptr) {
      base.set(entry.key, without_tags(entry.value), entry.key_location);
    } else {
      merge_value(*existing, entry.value, child);
    }
  }
  base.location = over.location;
}

void merge_value(Node& base, const Node& over, const std::string& pattern) {
  if (over.tag == Node::Tag::override_) {
    base = without_tags(over);
  } else if (over.is_null()) {
    return;  // an empty value does not clear what an earlier file set; !reset does
  } else if ((pattern == "services.*.logging" && replaces_logging(base, over)) ||
             (pattern.starts_with("services.*.ulimits.") &&
              std::count(pattern.begin(), pattern.end(), '.') == 3)) {
    base = without_tags(over);  // a different logging driver, or one ulimit: replaced whole
  } else if (base.is_mapping() && over.is_mapping()) {
    merge_mapping(base, over, pattern);
  } else if (base.is_sequence() && over.is_sequence() && !replaces_list(pattern)) {
    for (const auto& item : over.items) base.items.push_back(without_tags(item));
    enforce_unique(base, pattern);
  } else {
    base = without_tags(over);
  }
}

}  // namespace

void normalize_document(Node& document) {
  Node* services = document.is_mapping() ? document.find("services") : nullptr;
  if (services == nullptr || !services->is_mapping()) return;
  for (auto& entry : services->entries) normalize_service(entry.value);
}

void merge_into(Node& base, const Node& over, const std::string& pattern) {
  merge_value(base, over, pattern);
}

Node merge_documents(const std::vector<Node>& documents) {
  Node result = Node::mapping(documents.empty() ? Location{} : documents.front().location);
  for (const auto& document : documents) {
    if (document.is_mapping()) merge_mapping(result, document, "");
  }
  return result;
}

}  // namespace ollama_stack::compose
