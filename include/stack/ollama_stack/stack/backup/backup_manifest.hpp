#pragma once
// The manifest of a backup (manifest.json): what the backup holds, with the size and SHA-256 of
// every file, and per volume the checksum of every entry of its tar, so that one flipped byte is
// refused with the name of the file it hit. Pure: parsing, serialising and comparing.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ollama_stack::stack {

inline constexpr int kBackupFormatVersion = 1;
inline constexpr const char* kManifestName = "manifest.json";
// Where a volume is mounted in the container that reads or writes it; its tar's entries start
// with this name.
inline constexpr const char* kVolumeMountDir = "ollama-stack-volume";

struct BackupFile {
  std::string path;  // relative, '/'-separated: "config/.env", "volumes/ollama_data.tar"
  uint64_t size = 0;
  std::string sha256;  // lowercase hex
  bool operator==(const BackupFile&) const = default;
};

struct BackupVolume {
  std::string key;      // the project's volume key ("ollama_data"), or the engine name
  std::string name;     // engine name when backed up ("ollama-stack_ollama_data")
  std::string driver = "local";
  std::map<std::string, std::string> labels;
  std::string service;  // the service that mounts it (its image reads and writes the volume)
  std::string archive;  // "volumes/<key>.tar"
  std::string entries;  // "volumes/<key>.entries.json"
  uint64_t files = 0;   // regular files in the volume
  uint64_t content_bytes = 0;  // their total size
  bool operator==(const BackupVolume&) const = default;
};

struct BackupManifest {
  int format_version = kBackupFormatVersion;
  std::string created_at;  // RFC 3339
  std::string tool_version;
  std::string project;     // PROJECT_NAME of the installation
  std::string platform;
  bool was_running = false;
  std::vector<BackupFile> files;  // every file of the backup but manifest.json
  std::vector<BackupVolume> volumes;

  const BackupFile* find(const std::string& path) const;
};

nlohmann::json to_json(const BackupManifest& manifest);
// Throws Error(failed) "<where>: …" naming the member that is missing or of the wrong type, or a
// path that is absolute or climbs out of the backup ("..").
BackupManifest manifest_from_json(const nlohmann::json& json, const std::string& where);

// One entry of a volume's tar.
struct VolumeEntry {
  std::string path;     // as in the tar, "ollama-stack-volume/models/x.bin"
  std::string type;     // "file", "dir", "symlink", "hardlink", "other"
  uint64_t size = 0;    // files only
  std::string sha256;   // files only
  std::string target;   // links only: a symlink's target as written, a hard link's entry path
  bool operator==(const VolumeEntry&) const = default;
};

nlohmann::json to_json(const std::vector<VolumeEntry>& entries);
std::vector<VolumeEntry> entries_from_json(const nlohmann::json& json, const std::string& where);

// The first way `actual` differs from `expected` (what `origin` holds: "the backup", "the source
// volume"), as a sentence naming the entry ("the file 'models/a b.bin' does not match its
// checksum"); nullopt when they are the same.
std::optional<std::string> first_difference(const std::vector<VolumeEntry>& expected,
                                            const std::vector<VolumeEntry>& actual,
                                            std::string_view origin = "the backup");

// True for a relative path that stays inside the backup: no leading '/', no ".." component, no
// empty component.
bool is_safe_relative_path(const std::string& path);

// Why restore refuses a volume tar entry, or nullopt when it may be written: the entry must be
// the volume's directory or a relative path inside it (no "..", "." or empty parts, not
// absolute), and a file, a directory, a symlink whose target stays inside the volume, or a hard
// link to another entry of the volume.
std::optional<std::string> why_entry_is_refused(const VolumeEntry& entry);

// Whether `relative` (under the backup's "config/") is one of the home's files that backup
// saves and restore writes back: .env, .ollama-stack.json, mcp/config.json,
// compose/docker-compose.override.yml, extensions/...
bool is_restorable_config(const std::string& relative);

// The entry's path without the mount directory ("ollama-stack-volume/a/b" -> "a/b"), for messages.
std::string volume_relative(const std::string& entry_path);

}  // namespace ollama_stack::stack
