// `include`: other compose applications loaded on their own (own project directory, own .env
// for defaults) and copied into this one (compose-go loader/include.go).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "node_values.hpp"
#include "ollama_stack/compose/dotenv.hpp"
#include "ollama_stack/compose/expand.hpp"
#include "ollama_stack/compose/merge.hpp"
#include "ollama_stack/compose/text_decode.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {
namespace {

namespace fs = std::filesystem;

struct Include {
  std::vector<std::string> paths;  // absolute
  std::string project_directory;   // absolute
  std::vector<std::string> env_files;
  bool env_files_written = false;
  Location where;
};

std::vector<std::string> absolute_list(const Node& node, std::string_view path,
                                       const std::string& base) {
  std::vector<std::string> out;
  for (const auto& item : as_string_or_list(node, path)) out.push_back(absolute_path(base, item));
  return out;
}

Include include_of(const Node& item, const std::string& path, const std::string& working_dir) {
  Include include;
  include.where = item.location;
  if (item.is_scalar()) {
    include.paths = {absolute_path(working_dir, item.value)};
  } else {
    require_mapping(item, path);
    check_keys(item, path, {"path", "project_directory", "env_file"}, true);
    const Node* paths = item.find("path");
    if (paths == nullptr || paths->is_null())
      fail_at(item, path, "needs a path (the compose file to include)");
    include.paths = absolute_list(*paths, join_path(path, "path"), working_dir);
    if (const Node* dir = item.find("project_directory"); dir && !dir->is_null())
      include.project_directory =
          absolute_path(working_dir, as_string(*dir, join_path(path, "project_directory")));
    if (const Node* env = item.find("env_file"); env && !env->is_null()) {
      include.env_files = absolute_list(*env, join_path(path, "env_file"), working_dir);
      include.env_files_written = true;
    }
  }
  if (include.paths.empty()) fail_at(item, path, "names no file");
  if (include.project_directory.empty())
    include.project_directory = fs::path(include.paths.front()).parent_path().string();
  if (!include.env_files_written)
    include.env_files = {(fs::path(include.project_directory) / ".env").string()};
  return include;
}

// The included application's variables: the including project's first, then its env files
// (later files win) as defaults.
VariableLookup include_lookup(const Include& include, const std::string& path,
                              const ExpandContext& context) {
  auto defaults = std::make_shared<std::map<std::string, std::string>>();
  for (const auto& file : include.env_files) {
    if (file == "/dev/null") continue;
    auto bytes = read_with(context.read_file, file);
    if (!bytes) {
      if (!include.env_files_written) continue;  // the default .env is optional
      fail_at(include.where, path, fmt::format("cannot read env file {}", file),
              "create it, or fix env_file");
    }
    for (auto& entry : parse_dotenv(decode_text(*bytes, file), file, context.lookup))
      (*defaults)[entry.key] = entry.value;
  }
  return [outer = context.lookup, defaults](std::string_view name) -> std::optional<std::string> {
    if (outer) {
      if (auto value = outer(name)) return value;
    }
    auto found = defaults->find(std::string(name));
    if (found == defaults->end()) return std::nullopt;
    return found->second;
  };
}

}  // namespace

Node read_document(const std::string& path, const VariableLookup& lookup,
                   const ExpandContext& context, const Location& referenced_at) {
  auto bytes = read_with(context.read_file, path);
  if (!bytes) {
    throw ConfigError(
        fmt::format("{}: cannot read {}", to_string(referenced_at), path),
        "check the path (relative paths start at the including file's project directory)");
  }
  Node document = parse_yaml(decode_text(*bytes, path), path);
  std::vector<std::string> ignored;
  interpolate_document(document, lookup, context.warnings ? *context.warnings : ignored);
  return document;
}

void apply_includes(Node& document, const ExpandContext& context) {
  const Node* list = document.is_mapping() ? document.find("include") : nullptr;
  if (list == nullptr) return;
  if (list->is_null()) {
    document.erase("include");
    return;
  }
  require_sequence(*list, "include");
  const Node includes = *list;
  document.erase("include");
  for (size_t i = 0; i < includes.items.size(); ++i) {
    const std::string path = index_path("include", i);
    const Include include = include_of(includes.items[i], path, context.working_dir);
    ExpandContext inner = context;
    inner.working_dir = include.project_directory;
    inner.lookup = include_lookup(include, path, context);
    inner.include_chain.push_back(document.location.file);
    std::vector<Node> documents;
    for (const auto& file : include.paths) {
      if (std::find(inner.include_chain.begin(), inner.include_chain.end(), file) !=
          inner.include_chain.end()) {
        std::string cycle;
        for (const auto& item : inner.include_chain) cycle += item + " -> ";
        fail_at(include.where, path,
                fmt::format("files include each other in a cycle: {}{}", cycle, file),
                "remove one of the includes");
      }
      Node included = read_document(file, inner.lookup, inner, include.where);
      ConvertContext convert;
      convert.project_name = "project";
      convert.working_dir = include.project_directory;
      convert.lookup = inner.lookup;
      convert.read_file = context.read_file;
      convert.partial = true;
      apply_includes(included, inner);
      apply_extends(included, inner);
      std::vector<std::string> ignored;
      validate_document(included, convert, context.warnings ? *context.warnings : ignored);
      normalize_document(included);
      documents.push_back(std::move(included));
    }
    Node imported = merge_documents(documents);
    resolve_relative_paths(imported, include.project_directory);
    // Each resource joins this document; one it defines too is merged over the included one.
    for (const char* kind : {"services", "networks", "volumes", "configs", "secrets"}) {
      const Node* from = imported.find(kind);
      if (from == nullptr || !from->is_mapping()) continue;
      Node* to = document.find(kind);
      if (to == nullptr || to->is_null())
        to = &document.set(kind, Node::mapping(from->location), from->location);
      for (const auto& entry : from->entries) {
        Node* local = to->find(entry.key);
        if (local == nullptr) {
          to->set(entry.key, entry.value, entry.key_location);
          continue;
        }
        const std::string pattern =
            std::string(kind) == "services" ? "services.*" : join_path(kind, entry.key);
        Node merged = entry.value;
        Node over = *local;
        if (pattern == "services.*") normalize_service(over);
        merge_into(merged, over, pattern);
        *local = std::move(merged);
      }
    }
  }
}

}  // namespace ollama_stack::compose
