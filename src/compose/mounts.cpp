#include "ollama_stack/compose/mounts.hpp"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>

#include "ollama_stack/compose/node_values.hpp"

namespace ollama_stack::compose {
namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t at = text.find(separator, start);
    parts.emplace_back(text.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

bool is_bind_source(std::string_view source) {
  return source.starts_with('/') || source.starts_with('.') || source.starts_with('~');
}

bool is_volume_name(std::string_view name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-')
      return false;
  }
  return true;
}

class MountParser {
 public:
  MountParser(const Node& entry, std::string_view path, const std::string& working_dir,
              const VariableLookup& lookup)
      : entry_(entry), path_(path), working_dir_(working_dir), lookup_(lookup) {}

  Mount short_form(const std::string& text) const {
    auto parts = split(text, ':');
    if (parts.size() > 3)
      fail(fmt::format("\"{}\" has too many \":\" (expected source:target[:ro])", text));
    Mount mount;
    if (parts.size() == 1) {
      mount.target = target(parts[0], text);  // anonymous volume
      return mount;
    }
    mount.target = target(parts[1], text);
    if (parts.size() == 3) {
      for (const auto& option : split(parts[2], ',')) {
        if (option == "ro") {
          mount.read_only = true;
        } else if (option != "rw") {
          fail(fmt::format("\"{}\": mode \"{}\" is not supported (use ro or rw)", text, option));
        }
      }
    }
    if (is_bind_source(parts[0])) {
      mount.type = Mount::Type::bind;
      mount.source = host_path(parts[0]);
    } else {
      mount.source = volume_name(parts[0], text);
    }
    return mount;
  }

  Mount long_form() const {
    check_keys(entry_, path_, {"type", "source", "target", "read_only"});
    Mount mount;
    std::string type = "volume";
    if (const Node* n = entry_.find("type"); n && !n->is_null())
      type = as_string(*n, join_path(path_, "type"));
    std::string source;
    const Node* source_node = entry_.find("source");
    if (source_node && !source_node->is_null())
      source = as_string(*source_node, join_path(path_, "source"));
    const Node* target_node = entry_.find("target");
    if (target_node == nullptr || target_node->is_null())
      fail("a volume needs a \"target\" (the container path)");
    mount.target = target(as_string(*target_node, join_path(path_, "target")), target_node->value);
    if (const Node* n = entry_.find("read_only"); n && !n->is_null()) {
      mount.read_only = as_bool(*n, join_path(path_, "read_only"));
    }
    if (type == "volume") {
      if (!source.empty()) mount.source = volume_name(source, source);
    } else if (type == "bind") {
      mount.type = Mount::Type::bind;
      if (source.empty()) fail("a bind mount needs a \"source\" (the host path)");
      mount.source = host_path(source);
    } else if (type == "tmpfs") {
      mount.type = Mount::Type::tmpfs;
      if (!source.empty())
        fail_at(*source_node, join_path(path_, "source"), "a tmpfs mount has no source");
    } else {
      fail_at(*entry_.find("type"), join_path(path_, "type"),
              fmt::format("\"{}\" is not a supported volume type (volume, bind or tmpfs)", type));
    }
    return mount;
  }

 private:
  [[noreturn]] void fail(std::string_view what) const { fail_at(entry_, path_, what); }

  std::string target(const std::string& text, std::string_view shown) const {
    if (!text.starts_with('/')) {
      fail(fmt::format("\"{}\": the container path must be absolute", shown));
    }
    std::string normal = std::filesystem::path(text).lexically_normal().string();
    if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    return normal;
  }

  std::string volume_name(const std::string& name, std::string_view shown) const {
    if (!is_volume_name(name)) {
      fail(
          fmt::format("\"{}\": \"{}\" is not a volume name or a path (paths start with /, ./ or ~)",
                      shown, name));
    }
    return name;
  }

  std::string host_path(const std::string& source) const {
    std::filesystem::path result;
    if (source == "~" || source.starts_with("~/")) {
      std::optional<std::string> home = lookup_ ? lookup_("HOME") : std::nullopt;
      if (!home || home->empty())
        fail(fmt::format("\"{}\": cannot expand ~ because HOME is not set", source));
      result = std::filesystem::path(*home) / source.substr(source.size() > 1 ? 2 : 1);
    } else if (source.starts_with('~')) {
      fail(fmt::format("\"{}\": ~user paths are not supported", source));
    } else if (source.starts_with('/')) {
      result = source;
    } else {
      result = std::filesystem::path(working_dir_) / source;
    }
    std::string normal = result.lexically_normal().string();
    if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    return normal;
  }

  const Node& entry_;
  std::string path_;
  const std::string& working_dir_;
  const VariableLookup& lookup_;
};

}  // namespace

Mount parse_volume_entry(const Node& entry, std::string_view path, const std::string& working_dir,
                         const VariableLookup& lookup) {
  MountParser parser(entry, path, working_dir, lookup);
  if (entry.is_scalar()) return parser.short_form(entry.value);
  if (entry.is_mapping()) return parser.long_form();
  fail_at(
      entry, path,
      fmt::format("must be a string like \"data:/path\" or a mapping, not {}", kind_name(entry)));
}

std::string volume_target(const Node& entry) {
  std::string target;
  if (entry.is_scalar()) {
    auto parts = split(entry.value, ':');
    target = parts.size() == 1 ? parts[0] : parts[1];
  } else if (const Node* n = entry.is_mapping() ? entry.find("target") : nullptr;
             n && n->is_scalar()) {
    target = n->value;
  }
  if (target.empty()) return target;
  std::string normal = std::filesystem::path(target).lexically_normal().string();
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

}  // namespace ollama_stack::compose
