#pragma once
// Altering a backup directory the way a hostile or damaged one would be, while keeping it
// self-consistent (checksums and entry lists match), so that only restore's own rules can refuse
// it: a volume tar with arbitrary entries, a manifest that names another installation.
#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "ollama_stack/stack/backup/backup_archive.hpp"
#include "ollama_stack/stack/backup/backup_manifest.hpp"
#include "ollama_stack/util/sha256.hpp"

namespace ollama_stack::e2e {

struct TarEntry {
  std::string path;           // as written, e.g. "ollama-stack-volume/a" or "/etc/x"
  std::string type = "file";  // file, dir, symlink, hardlink, fifo
  std::string content;        // files
  std::string target;         // links
};

inline void write_tar(const std::string& path, const std::vector<TarEntry>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK)
    throw std::runtime_error("cannot write " + path);
  for (const auto& item : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_copy_pathname(entry, item.path.c_str());
    archive_entry_set_perm(entry, item.type == "dir" ? 0755 : 0644);
    if (item.type == "file") {
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_size(entry, static_cast<la_int64_t>(item.content.size()));
    } else if (item.type == "dir") {
      archive_entry_set_filetype(entry, AE_IFDIR);
    } else if (item.type == "symlink") {
      archive_entry_set_filetype(entry, AE_IFLNK);
      archive_entry_copy_symlink(entry, item.target.c_str());
    } else if (item.type == "hardlink") {
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_copy_hardlink(entry, item.target.c_str());
    } else {
      archive_entry_set_filetype(entry, AE_IFIFO);
    }
    archive_write_header(a, entry);
    if (item.type == "file" && !item.content.empty())
      archive_write_data(a, item.content.data(), item.content.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline nlohmann::json read_manifest(const std::string& backup) {
  return nlohmann::json::parse(read_text(backup + "/" + stack::kManifestName));
}

inline void write_manifest(const std::string& backup, const nlohmann::json& manifest) {
  std::ofstream(backup + "/" + stack::kManifestName, std::ios::trunc) << manifest.dump(2) << "\n";
}

// The manifest's size and checksum of `member` again, after it was changed.
inline void reseal_file(const std::string& backup, const std::string& member) {
  auto manifest = read_manifest(backup);
  for (auto& file : manifest["files"]) {
    if (file["path"] != member) continue;
    const std::string bytes = read_text(backup + "/" + member);
    file["size"] = bytes.size();
    file["sha256"] = util::sha256_hex_of(bytes);
  }
  write_manifest(backup, manifest);
}

// After volumes/<key>.tar was replaced: its entry list and both checksums in the manifest again.
inline void reseal_volume(const std::string& backup, const std::string& key) {
  const std::string tar = "volumes/" + key + ".tar", list = "volumes/" + key + ".entries.json";
  const auto entries = stack::scan_tar(stack::file_reader(backup + "/" + tar), tar);
  std::ofstream(backup + "/" + list, std::ios::trunc) << stack::to_json(entries).dump() << "\n";
  reseal_file(backup, tar);
  reseal_file(backup, list);
}

}  // namespace ollama_stack::e2e
