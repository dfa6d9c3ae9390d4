#include "ollama_stack/compose/mounts.hpp"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>

#include "node_values.hpp"
#include "ollama_stack/compose/service_options.hpp"
#include "service_fields.hpp"

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

bool is_propagation(std::string_view mode) {
  return mode == "rprivate" || mode == "private" || mode == "rshared" || mode == "shared" ||
         mode == "rslave" || mode == "slave";
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
    if (is_bind_source(parts[0])) {
      mount.type = Mount::Type::bind;
      mount.source = host_path(parts[0]);
    } else {
      mount.source = volume_name(parts[0], text);
    }
    if (parts.size() == 3) {
      for (const auto& option : split(parts[2], ',')) {
        if (option == "ro") {
          mount.read_only = true;
        } else if (option == "rw") {
          mount.read_only = false;
        } else if (option == "z" || option == "Z") {
          mount.bind_selinux = option;
        } else if (option == "nocopy") {
          mount.volume_nocopy = true;
        } else if (is_propagation(option)) {
          mount.bind_propagation = option;
        } else if (option == "consistent" || option == "cached" || option == "delegated") {
          mount.consistency = option;
        } else {
          fail(fmt::format("\"{}\": mode \"{}\" is not a volume option", text, option),
               "use ro, rw, z, Z, nocopy, a propagation mode (rprivate, shared, ...) or a "
               "consistency "
               "(cached, delegated)");
        }
      }
    }
    return mount;
  }

  Mount long_form() const {
    check_keys(entry_, path_,
               {"type", "source", "target", "read_only", "bind", "volume", "tmpfs", "image",
                "consistency"},
               true);
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
    if (const Node* n = entry_.find("consistency"); n && !n->is_null())
      mount.consistency = as_string(*n, join_path(path_, "consistency"));
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
    } else if (type == "image") {
      mount.type = Mount::Type::image;
      if (source.empty()) fail("an image mount needs a \"source\" (the image)");
      mount.source = source;
    } else if (type == "npipe") {
      mount.type = Mount::Type::npipe;
      mount.source = source;
    } else {
      fail_at(
          *entry_.find("type"), join_path(path_, "type"),
          fmt::format(
              "\"{}\" is not a volume type a single engine has (volume, bind, tmpfs, image, npipe)",
              type));
    }
    options(mount, type);
    return mount;
  }

 private:
  [[noreturn]] void fail(std::string_view what, std::string hint = {}) const {
    fail_at(entry_, path_, what, std::move(hint));
  }

  // The bind / volume / tmpfs / image option blocks of the long syntax; each belongs to its type.
  void options(Mount& mount, const std::string& type) const {
    for (const char* block : {"bind", "volume", "tmpfs", "image"}) {
      const Node* node = entry_.find(block);
      if (node == nullptr || node->is_null()) continue;
      const std::string at = join_path(path_, block);
      if (type != block)
        fail_at(*node, at, fmt::format("a {} mount takes no {} options", type, block));
      require_mapping(*node, at);
      if (type == "bind")
        check_keys(*node, at, {"propagation", "create_host_path", "selinux", "recursive"}, true);
      if (type == "volume") check_keys(*node, at, {"nocopy", "subpath", "labels"}, true);
      if (type == "tmpfs") check_keys(*node, at, {"size", "mode"}, true);
      if (type == "image") check_keys(*node, at, {"subpath"}, true);
      for (const auto& entry : node->entries) {
        if (entry.value.is_null() || entry.key.starts_with("x-")) continue;
        const std::string key_at = join_path(at, entry.key);
        const Node& value = entry.value;
        if (type == "bind") {
          if (entry.key == "propagation") {
            mount.bind_propagation = as_string(value, key_at);
            if (!is_propagation(mount.bind_propagation))
              fail_at(value, key_at,
                      fmt::format("\"{}\" is not a propagation mode", mount.bind_propagation),
                      "use rprivate, private, rshared, shared, rslave or slave");
          }
          if (entry.key == "create_host_path") mount.bind_create_host_path = as_bool(value, key_at);
          if (entry.key == "selinux") {
            mount.bind_selinux = as_string(value, key_at);
            if (mount.bind_selinux != "z" && mount.bind_selinux != "Z")
              fail_at(value, key_at, fmt::format("\"{}\" is not z or Z", mount.bind_selinux));
          }
          if (entry.key == "recursive") as_string(value, key_at);  // engine ≥ 25 only; default kept
        } else if (type == "volume") {
          if (entry.key == "nocopy") mount.volume_nocopy = as_bool(value, key_at);
          if (entry.key == "subpath") mount.volume_subpath = as_string(value, key_at);
          if (entry.key == "labels")
            as_key_values(value, key_at);  // only used when the engine creates it
        } else if (type == "tmpfs") {
          if (entry.key == "size") mount.tmpfs_size = byte_size_value(value, key_at);
          if (entry.key == "mode") mount.tmpfs_mode = file_mode_value(value, key_at);
        } else {
          if (entry.key == "subpath") mount.image_subpath = as_string(value, key_at);
        }
      }
    }
  }

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
