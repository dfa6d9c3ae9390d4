// Relative paths of a document from another directory (an included or extended file), made
// absolute so they keep pointing where their author meant once merged into the project
// (compose-go's paths/resolve.go does the same for these keys).
#include <filesystem>

#include "ollama_stack/compose/expand.hpp"
#include "ollama_stack/compose/service_options.hpp"

namespace ollama_stack::compose {
namespace {

bool is_relative(std::string_view path) {
  return !path.empty() && !path.starts_with('/') && !path.starts_with('~');
}

void absolute_scalar(Node& node, const std::string& base_dir) {
  if (node.is_scalar() && is_relative(node.value)) node.value = absolute_path(base_dir, node.value);
}

// "./data:/x[:ro]" → "/base/data:/x[:ro]"; volume names ("data:/x") and absolute paths stay.
void absolute_volume(Node& entry, const std::string& base_dir) {
  if (entry.is_scalar()) {
    const auto colon = entry.value.find(':');
    if (colon == std::string::npos || !entry.value.starts_with('.')) return;
    entry.value = absolute_path(base_dir, entry.value.substr(0, colon)) + entry.value.substr(colon);
    return;
  }
  if (!entry.is_mapping()) return;
  const Node* type = entry.find("type");
  if (type == nullptr || type->value != "bind") return;
  if (Node* source = entry.find("source")) absolute_scalar(*source, base_dir);
}

void absolute_list(Node& node, const std::string& base_dir, const char* field = nullptr) {
  if (node.is_scalar()) return absolute_scalar(node, base_dir);
  for (auto& item : node.items) {
    if (item.is_mapping() && field != nullptr) {
      if (Node* path = item.find(field)) absolute_scalar(*path, base_dir);
    } else {
      absolute_scalar(item, base_dir);
    }
  }
}

}  // namespace

void resolve_service_paths(Node& service, const std::string& base_dir) {
  if (!service.is_mapping()) return;
  if (Node* build = service.find("build")) {
    if (build->is_scalar() && !is_remote_context(build->value)) absolute_scalar(*build, base_dir);
    if (Node* context = build->is_mapping() ? build->find("context") : nullptr;
        context && !is_remote_context(context->value))
      absolute_scalar(*context, base_dir);
    // A build mapping without a context builds the file's own directory.
    if (build->is_mapping() && build->find("context") == nullptr)
      build->set("context", Node::scalar(base_dir, build->location), build->location);
  }
  if (Node* env_file = service.find("env_file")) absolute_list(*env_file, base_dir, "path");
  if (Node* label_file = service.find("label_file")) absolute_list(*label_file, base_dir);
  if (Node* volumes = service.find("volumes"); volumes && volumes->is_sequence())
    for (auto& entry : volumes->items) absolute_volume(entry, base_dir);
  if (Node* extends = service.find("extends"); extends && extends->is_mapping())
    if (Node* file = extends->find("file")) absolute_scalar(*file, base_dir);
}

void resolve_relative_paths(Node& document, const std::string& base_dir) {
  if (!document.is_mapping()) return;
  if (Node* services = document.find("services"); services && services->is_mapping())
    for (auto& entry : services->entries) resolve_service_paths(entry.value, base_dir);
  for (const char* kind : {"configs", "secrets"}) {
    Node* objects = document.find(kind);
    if (objects == nullptr || !objects->is_mapping()) continue;
    for (auto& entry : objects->entries)
      if (Node* file = entry.value.is_mapping() ? entry.value.find("file") : nullptr)
        absolute_scalar(*file, base_dir);
  }
}

}  // namespace ollama_stack::compose
