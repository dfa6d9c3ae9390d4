#include "ollama_stack/compose/merge.hpp"

#include <algorithm>
#include <string>

#include "ollama_stack/compose/mounts.hpp"
#include "ollama_stack/compose/node_values.hpp"

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

void normalize_service(Node& service) {
  if (!service.is_mapping()) return;
  for (auto& entry : service.entries) {
    Node& value = entry.value;
    if (entry.key == "environment" || entry.key == "labels") {
      key_values_to_mapping(value);
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
    }
  }
}

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

void merge_volumes(Node& base, const Node& over) {
  for (const auto& item : over.items) {
    std::string target = volume_target(item);
    auto same = std::find_if(base.items.begin(), base.items.end(), [&](const Node& existing) {
      return !target.empty() && volume_target(existing) == target;
    });
    if (same != base.items.end()) {
      *same = without_tags(item);
    } else {
      base.items.push_back(without_tags(item));
    }
  }
}

void merge_value(Node& base, const Node& over, const std::string& pattern) {
  if (over.tag == Node::Tag::override_) {
    base = without_tags(over);
  } else if (over.is_null()) {
    return;  // an empty value does not clear what an earlier file set; !reset does
  } else if (base.is_mapping() && over.is_mapping()) {
    merge_mapping(base, over, pattern);
  } else if (base.is_sequence() && over.is_sequence() && !replaces_list(pattern)) {
    if (pattern == "services.*.volumes") {
      merge_volumes(base, over);
    } else {
      for (const auto& item : over.items) base.items.push_back(without_tags(item));
    }
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

Node merge_documents(const std::vector<Node>& documents) {
  Node result = Node::mapping(documents.empty() ? Location{} : documents.front().location);
  for (const auto& document : documents) {
    if (document.is_mapping()) merge_mapping(result, document, "");
  }
  return result;
}

}  // namespace ollama_stack::compose
