#include "ollama_stack/compose/load.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "node_values.hpp"
#include "ollama_stack/compose/convert.hpp"
#include "ollama_stack/compose/expand.hpp"
#include "ollama_stack/compose/merge.hpp"
#include "ollama_stack/compose/text_decode.hpp"
#include "ollama_stack/compose/yaml_document.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {
namespace {

constexpr const char* kProjectNameHint =
    "project names use lower-case letters, digits, \"_\" and \"-\" and start with a letter or "
    "digit";

bool is_valid_project_name(const std::string& name) {
  static const std::regex pattern("[a-z0-9][a-z0-9_-]*");
  return std::regex_match(name, pattern);
}

std::optional<std::string> lookup_value(const VariableLookup& lookup, std::string_view name) {
  if (!lookup) return std::nullopt;
  auto value = lookup(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

std::string resolve_working_dir(const LoadOptions& options) {
  if (!options.working_dir.empty()) return options.working_dir;
  std::filesystem::path dir = std::filesystem::path(options.sources.front().path).parent_path();
  if (dir.empty()) dir = std::filesystem::current_path();
  return std::filesystem::absolute(dir).lexically_normal().string();
}

std::string resolve_project_name(const LoadOptions& options, const Node& merged,
                                 const std::string& working_dir) {
  if (!options.project_name.empty()) {
    if (!is_valid_project_name(options.project_name)) {
      throw ConfigError(fmt::format("\"{}\" is not a valid project name", options.project_name),
                        kProjectNameHint);
    }
    return options.project_name;
  }
  if (auto name = lookup_value(options.lookup, "COMPOSE_PROJECT_NAME")) {
    if (!is_valid_project_name(*name)) {
      throw ConfigError(
          fmt::format("COMPOSE_PROJECT_NAME: \"{}\" is not a valid project name", *name),
          kProjectNameHint);
    }
    return *name;
  }
  if (const Node* name = merged.find("name"); name && name->is_scalar() && !name->value.empty()) {
    if (!is_valid_project_name(name->value)) {
      fail_at(*name, "name", fmt::format("\"{}\" is not a valid project name", name->value),
              kProjectNameHint);
    }
    return name->value;
  }
  std::string base = std::filesystem::path(working_dir).filename().string();
  std::string name = normalize_project_name(base);
  if (!is_valid_project_name(name)) {
    throw ConfigError(fmt::format("cannot derive a project name from the directory \"{}\"", base),
                      "add a top-level name: to the compose file");
  }
  return name;
}

std::vector<std::string> active_profiles(const LoadOptions& options) {
  std::vector<std::string> profiles = options.profiles;
  if (auto list = lookup_value(options.lookup, "COMPOSE_PROFILES")) {
    size_t start = 0;
    while (start <= list->size()) {
      size_t comma = list->find(',', start);
      std::string item = list->substr(start, comma == std::string::npos ? comma : comma - start);
      item.erase(0, item.find_first_not_of(" \t"));
      item.erase(item.find_last_not_of(" \t") + 1);
      if (!item.empty()) profiles.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return profiles;
}

}  // namespace

std::string normalize_project_name(std::string_view directory_name) {
  std::string out;
  for (char c : directory_name) {
    char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    bool ok = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || lower == '_' ||
              lower == '-';
    if (ok) out += lower;
  }
  out.erase(0, out.find_first_not_of("_-"));
  return out;
}

LoadResult load_project(const LoadOptions& options) {
  if (options.sources.empty()) throw ConfigError("no compose file to load");
  LoadResult result;
  ConvertContext context;
  context.project_name = "project";  // placeholder while validating single files
  context.working_dir = resolve_working_dir(options);
  context.lookup = options.lookup;
  context.read_file = options.read_file;
  context.partial = true;

  ExpandContext expand;
  expand.working_dir = context.working_dir;
  expand.lookup = options.lookup;
  expand.read_file = options.read_file;
  expand.warnings = &result.warnings;
  std::vector<Node> documents;
  for (const auto& source : options.sources) {
    Node document = parse_yaml(decode_text(source.content, source.path), source.path);
    interpolate_document(document, options.lookup, result.warnings);
    apply_includes(document, expand);
    apply_extends(document, expand);
    validate_document(document, context, result.warnings);
    normalize_document(document);
    documents.push_back(std::move(document));
    result.project.config_files.push_back(source.path);
  }
  Node merged = merge_documents(documents);

  context.project_name = resolve_project_name(options, merged, context.working_dir);
  context.partial = false;
  std::vector<std::string> config_files = std::move(result.project.config_files);
  result.project = convert_project(merged, context, active_profiles(options));
  result.project.config_files = std::move(config_files);
  // A file seen twice (included and extended, say) reports its warnings once.
  std::vector<std::string> unique;
  for (auto& warning : result.warnings)
    if (std::find(unique.begin(), unique.end(), warning) == unique.end())
      unique.push_back(std::move(warning));
  result.warnings = std::move(unique);
  return result;
}

}  // namespace ollama_stack::compose
