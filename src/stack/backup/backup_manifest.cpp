#include "ollama_stack/stack/backup/backup_manifest.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw Error(ExitCode::failed, fmt::format("{}: {}", where, what),
              "the backup is damaged or was not written by ollama-stack; use another backup");
}

template <typename T>
T member(const json& object, const char* name, const std::string& where) {
  if (!object.is_object() || !object.contains(name)) bad(where, fmt::format("member \"{}\" is missing", name));
  try {
    return object.at(name).get<T>();
  } catch (const json::exception&) {
    bad(where, fmt::format("member \"{}\" has the wrong type", name));
  }
}

std::string safe_path(const json& object, const char* name, const std::string& where) {
  auto path = member<std::string>(object, name, where);
  if (!is_safe_relative_path(path)) bad(where, fmt::format("\"{}\" is not a path inside the backup: \"{}\"", name, path));
  return path;
}

}  // namespace

const BackupFile* BackupManifest::find(const std::string& path) const {
  for (const auto& file : files)
    if (file.path == path) return &file;
  return nullptr;
}

bool is_safe_relative_path(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const auto part = std::string_view(path).substr(start, end - start);
    if (part.empty() || part == ".." || part == ".") return false;
    start = end + 1;
  }
  return true;
}

namespace {

// `path` with "." and ".." folded lexically; nullopt when it climbs above its start.
std::optional<std::vector<std::string>> fold(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string part = path.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  return parts;
}

}  // namespace

std::optional<std::string> why_entry_is_refused(const VolumeEntry& entry) {
  const std::string root = kVolumeMountDir;
  std::string path = entry.path;
  if (entry.type == "dir" && path.size() > 1 && path.back() == '/') path.pop_back();
  const bool inside = path == root || (path.starts_with(root + "/") && is_safe_relative_path(path));
  if (!inside) return fmt::format("the entry '{}' is not a relative path inside the volume", entry.path);
  const std::string name = volume_relative(entry.path);
  if (entry.type == "file" || entry.type == "dir") return std::nullopt;
  if (entry.type == "hardlink") {
    if (entry.target.starts_with(root + "/") && is_safe_relative_path(entry.target)) return std::nullopt;
    return fmt::format("the hard link '{}' points outside the volume ('{}')", name, entry.target);
  }
  if (entry.type == "symlink") {
    // Resolved from the link's own directory, as the kernel would; it must stay in the volume.
    const auto folded = entry.target.starts_with('/') ? std::nullopt : fold(path.substr(0, path.rfind('/') + 1) + entry.target);
    if (folded && !folded->empty() && folded->front() == root) return std::nullopt;
    return fmt::format("the symlink '{}' points outside the volume ('{}')", name, entry.target);
  }
  return fmt::format("'{}' is not a file, a directory or a link (devices, pipes and sockets are not restored)", name);
}

bool is_restorable_config(const std::string& relative) {
  if (!is_safe_relative_path(relative)) return false;
  return relative == ".env" || relative == ".ollama-stack.json" || relative == "mcp/config.json" ||
         relative == "compose/docker-compose.override.yml" || relative.starts_with("extensions/");
}

std::string volume_relative(const std::string& entry_path) {
  const std::string prefix = std::string(kVolumeMountDir) + "/";
  if (entry_path.starts_with(prefix)) return entry_path.substr(prefix.size());
  return entry_path;
}

json to_json(const BackupManifest& manifest) {
  json files = json::array();
  for (const auto& file : manifest.files) files.push_back({{"path", file.path}, {"size", file.size}, {"sha256", file.sha256}});
  json volumes = json::array();
  for (const auto& volume : manifest.volumes)
    volumes.push_back({{"key", volume.key}, {"name", volume.name}, {"driver", volume.driver},
                       {"labels", volume.labels}, {"service", volume.service}, {"archive", volume.archive},
                       {"entries", volume.entries}, {"files", volume.files}, {"content_bytes", volume.content_bytes}});
  return {{"format_version", manifest.format_version}, {"created_at", manifest.created_at},
          {"tool_version", manifest.tool_version},     {"project", manifest.project},
          {"platform", manifest.platform},             {"was_running", manifest.was_running},
          {"files", files},                            {"volumes", volumes}};
}

BackupManifest manifest_from_json(const json& document, const std::string& where) {
  if (!document.is_object()) bad(where, "not a JSON object");
  BackupManifest manifest;
  manifest.format_version = member<int>(document, "format_version", where);
  if (manifest.format_version > kBackupFormatVersion)
    throw Error(ExitCode::failed,
                fmt::format("{}: format_version {} is newer than this ollama-stack understands ({})", where,
                            manifest.format_version, kBackupFormatVersion),
                "restore it with a newer ollama-stack");
  manifest.created_at = member<std::string>(document, "created_at", where);
  manifest.tool_version = member<std::string>(document, "tool_version", where);
  manifest.project = member<std::string>(document, "project", where);
  manifest.platform = member<std::string>(document, "platform", where);
  manifest.was_running = member<bool>(document, "was_running", where);
  for (const auto& file : member<json>(document, "files", where)) {
    BackupFile entry{safe_path(file, "path", where), member<uint64_t>(file, "size", where),
                     member<std::string>(file, "sha256", where)};
    if (entry.sha256.size() != 64) bad(where, fmt::format("the checksum of \"{}\" is not a SHA-256", entry.path));
    manifest.files.push_back(std::move(entry));
  }
  for (const auto& volume : member<json>(document, "volumes", where)) {
    BackupVolume entry;
    entry.key = member<std::string>(volume, "key", where);
    entry.name = member<std::string>(volume, "name", where);
    entry.driver = member<std::string>(volume, "driver", where);
    entry.labels = member<std::map<std::string, std::string>>(volume, "labels", where);
    entry.service = member<std::string>(volume, "service", where);
    entry.archive = safe_path(volume, "archive", where);
    entry.entries = safe_path(volume, "entries", where);
    entry.files = member<uint64_t>(volume, "files", where);
    entry.content_bytes = member<uint64_t>(volume, "content_bytes", where);
    if (entry.name.empty()) bad(where, "a volume has an empty name");
    for (const auto* path : {&entry.archive, &entry.entries})
      if (manifest.find(*path) == nullptr) bad(where, fmt::format("volume {}'s \"{}\" is not among the files", entry.key, *path));
    manifest.volumes.push_back(std::move(entry));
  }
  return manifest;
}

json to_json(const std::vector<VolumeEntry>& entries) {
  json out = json::array();
  for (const auto& entry : entries) {
    json item{{"path", entry.path}, {"type", entry.type}};
    if (entry.type == "file") {
      item["size"] = entry.size;
      item["sha256"] = entry.sha256;
    }
    if (entry.type == "symlink" || entry.type == "hardlink") item["target"] = entry.target;
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<VolumeEntry> entries_from_json(const json& document, const std::string& where) {
  if (!document.is_array()) bad(where, "not a JSON array");
  std::vector<VolumeEntry> entries;
  for (const auto& item : document) {
    VolumeEntry entry;
    entry.path = member<std::string>(item, "path", where);
    entry.type = member<std::string>(item, "type", where);
    if (entry.type == "file") {
      entry.size = member<uint64_t>(item, "size", where);
      entry.sha256 = member<std::string>(item, "sha256", where);
    }
    if (entry.type == "symlink" || entry.type == "hardlink") entry.target = member<std::string>(item, "target", where);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::optional<std::string> first_difference(const std::vector<VolumeEntry>& expected,
                                            const std::vector<VolumeEntry>& actual,
                                            std::string_view origin) {
  std::map<std::string, const VolumeEntry*> found;
  for (const auto& entry : actual) found[entry.path] = &entry;
  for (const auto& want : expected) {
    auto it = found.find(want.path);
    const std::string name = volume_relative(want.path);
    if (it == found.end()) return fmt::format("the {} '{}' is missing", want.type == "dir" ? "directory" : "file", name);
    const auto& got = *it->second;
    if (got.type != want.type)
      return fmt::format("'{}' is a {} where {} had a {}", name, got.type, origin, want.type);
    if (want.type == "file" && got.size != want.size)
      return fmt::format("the file '{}' has {} bytes where {} had {}", name, got.size, origin,
                         want.size);
    if (want.type == "file" && got.sha256 != want.sha256)
      return fmt::format("the file '{}' does not match its checksum", name);
    if ((want.type == "symlink" || want.type == "hardlink") && got.target != want.target)
      return fmt::format("the link '{}' points elsewhere than in {}", name, origin);
    found.erase(it);
  }
  if (!found.empty())
    return fmt::format("'{}' is not in {}", volume_relative(found.begin()->first), origin);
  return std::nullopt;
}

}  // namespace ollama_stack::stack
