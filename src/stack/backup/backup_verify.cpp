#include "backup/backup_verify.hpp"

#include <fmt/format.h>

#include <array>
#include <map>
#include <optional>
#include <set>

#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/sha256.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;
constexpr uint64_t kSmallLimit = 64 * 1024 * 1024;  // manifest, entry lists, config files

bool is_compressed(const fs::path& path) { return fs::is_regular_file(path); }

struct Seen {
  uint64_t size = 0;
  std::string sha256;
  std::optional<std::vector<VolumeEntry>> entries;  // for volume tars
  std::string text;                                // for entry lists
};

[[noreturn]] void corrupt(const fs::path& path, const std::string& what) {
  throw Error(ExitCode::failed, fmt::format("backup {} is corrupt: {}", path.string(), what),
              "restore refuses it and changes nothing; use another backup (or make a new one)");
}

bool is_volume_tar(const std::string& name) { return name.starts_with("volumes/") && name.ends_with(".tar"); }
bool is_entry_list(const std::string& name) { return name.starts_with("volumes/") && name.ends_with(".entries.json"); }

// Checksums one member as it streams by; volume tars are also scanned entry by entry.
Seen look_at(const std::string& name, const ByteReader& data) {
  Seen seen;
  util::Sha256 sha;
  ByteReader hashing = [&](char* buffer, size_t size) {
    size_t got = data(buffer, size);
    sha.update(std::string_view(buffer, got));
    return got;
  };
  if (is_volume_tar(name)) {
    try {
      seen.entries = scan_tar(hashing, name);
    } catch (const Error&) {
      seen.entries.reset();  // reported below, through the checksum, naming the member
    }
  } else if (is_entry_list(name)) {
    seen.text = read_all(hashing, kSmallLimit, name);
  }
  std::array<char, 64 * 1024> rest{};
  while (hashing(rest.data(), rest.size()) > 0) {
  }
  seen.size = sha.size();
  seen.sha256 = sha.hex_digest();
  return seen;
}

BackupManifest read_manifest(const fs::path& path) {
  std::string text;
  const std::string where = (fs::path(path) / kManifestName).string();
  if (is_compressed(path)) {
    // The manifest is the archive's first member: stop there instead of decompressing the rest.
    struct Found {};
    bool found = false;
    try {
      read_tar_gz(path, [&](const std::string& name, uint64_t, const ByteReader& data) {
        if (name != kManifestName) return;
        text = read_all(data, kSmallLimit, where);
        found = true;
        throw Found{};
      });
    } catch (const Found&) {
    }
    if (!found) throw Error(ExitCode::failed, fmt::format("{} is not an ollama-stack backup: it has no {}", path.string(), kManifestName),
                            "give the path of a backup made by `ollama-stack backup`");
  } else {
    if (!fs::exists(path / kManifestName))
      throw Error(ExitCode::failed, fmt::format("{} is not an ollama-stack backup: it has no {}", path.string(), kManifestName),
                  "give the path of a backup made by `ollama-stack backup`");
    text = read_all(file_reader(path / kManifestName), kSmallLimit, where);
  }
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) corrupt(path, fmt::format("{} is not valid JSON", kManifestName));
  return manifest_from_json(json, fmt::format("backup {}: {}", path.string(), kManifestName));
}

}  // namespace

std::string read_all(const ByteReader& data, uint64_t limit, const std::string& where) {
  std::string out;
  std::array<char, 64 * 1024> buffer{};
  for (size_t got = data(buffer.data(), buffer.size()); got > 0; got = data(buffer.data(), buffer.size())) {
    out.append(buffer.data(), got);
    if (out.size() > limit) throw Error(ExitCode::failed, fmt::format("{} is larger than expected", where));
  }
  return out;
}

void for_each_member(const fs::path& path, const BackupManifest& manifest,
                     const std::function<void(const std::string& name, uint64_t size, const ByteReader& data)>& on_member) {
  if (is_compressed(path)) {
    read_tar_gz(path, on_member);
    return;
  }
  for (const auto& file : manifest.files) {
    const fs::path source = path / fs::path(file.path);
    std::error_code error;
    const auto size = fs::file_size(source, error);
    if (error) corrupt(path, fmt::format("{} is missing", file.path));
    on_member(file.path, size, file_reader(source));
  }
}

namespace {

[[noreturn]] void refused(const fs::path& path, const std::string& what) {
  throw Error(ExitCode::failed, fmt::format("backup {} is refused: {}", path.string(), what),
              "restore writes only the home's config files and plain files, directories and links that stay inside "
              "each volume; this backup was not written by ollama-stack, or was altered. Nothing was changed");
}

// What restore would refuse in a member that matches its checksum.
void check_restorable(const fs::path& path, const std::string& name, const Seen& seen) {
  if (name.starts_with("config/") && !is_restorable_config(name.substr(7)))
    refused(path, fmt::format("{} is not one of the home's files", name));
  if (!is_volume_tar(name)) return;
  if (!seen.entries) refused(path, fmt::format("{} is not a valid tar", name));
  for (const auto& entry : *seen.entries)
    if (auto why = why_entry_is_refused(entry)) refused(path, fmt::format("{}: {}", name, *why));
}

}  // namespace

VerifiedBackup verify_backup(const fs::path& path, const ProgressCallback& progress, bool for_restore) {
  if (!fs::exists(path))
    throw Error(ExitCode::failed, fmt::format("backup {} does not exist", path.string()),
                "give the directory or .tar.gz that `ollama-stack backup` wrote");
  VerifiedBackup result;
  result.compressed = is_compressed(path);
  result.manifest = read_manifest(path);
  const auto& manifest = result.manifest;
  uint64_t total = 0;
  for (const auto& file : manifest.files) total += file.size;

  std::map<std::string, std::string> entry_lists;  // member -> text, once checked
  std::set<std::string> checked;
  uint64_t done = 0;
  // Each member is checked as soon as it has streamed by, so the first bad one is named even when
  // the damage also breaks what comes after it (a gzip stream's checksum is only at its end).
  auto check = [&](const std::string& name, Seen& seen) {
    const auto& expected = *manifest.find(name);
    if (seen.size == expected.size && seen.sha256 == expected.sha256) {
      if (is_entry_list(name)) entry_lists[name] = std::move(seen.text);
      return;
    }
    if (is_volume_tar(name)) {
      for (const auto& volume : manifest.volumes) {
        if (volume.archive != name) continue;
        if (!seen.entries) corrupt(path, fmt::format("{}: the tar is damaged or cut short", name));
        if (auto list = entry_lists.find(volume.entries); list != entry_lists.end()) {
          auto wanted = entries_from_json(nlohmann::json::parse(list->second, nullptr, false), volume.entries);
          if (auto difference = first_difference(wanted, *seen.entries)) corrupt(path, fmt::format("{}: {}", name, *difference));
        }
      }
    }
    if (seen.size != expected.size)
      corrupt(path, fmt::format("{} has {} bytes where the manifest says {}", name, seen.size, expected.size));
    corrupt(path, fmt::format("{} does not match its checksum", name));
  };
  for_each_member(path, manifest, [&](const std::string& name, uint64_t, const ByteReader& data) {
    if (name == kManifestName) return;
    if (manifest.find(name) == nullptr) corrupt(path, fmt::format("{} is not listed in the manifest", name));
    ByteReader counting = [&](char* buffer, size_t size) {
      size_t got = data(buffer, size);
      done += got;
      if (progress && got > 0)
        progress({"verify", "verify", ProgressUpdate::State::running, "verifying", static_cast<int64_t>(done), static_cast<int64_t>(total)});
      return got;
    };
    auto seen = look_at(name, counting);
    check(name, seen);
    if (for_restore) check_restorable(path, name, seen);
    checked.insert(name);
  });
  for (const auto& file : manifest.files)
    if (!checked.count(file.path)) corrupt(path, fmt::format("{} is missing", file.path));
  if (!result.compressed) {
    // Files in the directory that the manifest does not list were added (or renamed) afterwards.
    for (const auto& item : fs::recursive_directory_iterator(path)) {
      if (!item.is_regular_file()) continue;
      const std::string name = fs::relative(item.path(), path).generic_string();
      if (name != kManifestName && manifest.find(name) == nullptr)
        corrupt(path, fmt::format("{} is not listed in the manifest", name));
    }
  }
  result.bytes = done;
  if (progress)
    progress({"verify", "verify", ProgressUpdate::State::done, "verified", static_cast<int64_t>(done), static_cast<int64_t>(total)});
  return result;
}

}  // namespace ollama_stack::stack
