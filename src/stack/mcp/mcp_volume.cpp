#include "ollama_stack/stack/mcp/mcp_volume.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <memory>

#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/stack/backup/volume_access.hpp"
#include "ollama_stack/stack/extensions/extension_mcp.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using State = ProgressUpdate::State;

constexpr const char* kMountDir = "ollama-stack-volume";  // where VolumeAccess mounts the volume

struct ArchiveWriteDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ArchiveReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

std::string archive_error(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown libarchive error";
}

void ensure_image(engine::Client& client, const std::string& image,
                  const ProgressCallback& progress) {
  if (client.inspect_image(image)) return;
  const std::string task = "image:" + image;
  if (progress) progress({task, image, State::running, "pulling"});
  try {
    client.pull_image(image, [](const engine::ProgressEvent&) {});
  } catch (const engine::EngineError& error) {
    if (progress) progress({task, image, State::failed, error.what()});
    throw Error(
        ExitCode::failed,
        fmt::format("cannot pull {} (the MCP proxy's image, needed to write its config): {}", image,
                    error.what()),
        "pull it, or point MCP_PROXY_IMAGE at an image the engine has");
  }
  if (progress) progress({task, image, State::done, "pulled"});
}

}  // namespace

std::optional<McpVolumeTarget> mcp_volume_target(
    const compose::Project& project, const std::map<std::string, std::string>& extra_labels) {
  auto service = project.services.find(kMcpProxyService);
  auto volume = project.volumes.find(kMcpConfigVolumeKey);
  if (service == project.services.end() || volume == project.volumes.end() ||
      volume->second.external)
    return std::nullopt;
  bool mounted = false;
  for (const auto& mount : service->second.volumes)
    if (mount.type == compose::Mount::Type::volume && mount.source == kMcpConfigVolumeKey)
      mounted = true;
  if (!mounted) return std::nullopt;
  McpVolumeTarget target;
  target.volume = volume->second.name;
  target.labels = volume->second.labels;
  target.labels[labels::kProject] = project.name;
  target.labels[labels::kVolume] = kMcpConfigVolumeKey;
  target.labels[labels::kVersion] = labels::kComposeVersion;
  for (const auto& [key, value] : extra_labels) target.labels[key] = value;
  target.image = service->second.image;
  target.installation = project.name;
  return target;
}

std::string single_file_tar(const std::string& member, const std::string& content) {
  std::unique_ptr<archive, ArchiveWriteDeleter> writer(archive_write_new());
  archive_write_set_format_pax_restricted(writer.get());
  std::string out;
  auto on_write = [](archive*, void* data, const void* buffer, size_t size) -> la_ssize_t {
    static_cast<std::string*>(data)->append(static_cast<const char*>(buffer), size);
    return static_cast<la_ssize_t>(size);
  };
  archive_write_set_bytes_in_last_block(writer.get(), 1);
  if (archive_write_open(writer.get(), &out, nullptr, on_write, nullptr) != ARCHIVE_OK)
    throw Error(ExitCode::failed, "cannot make a tar: " + archive_error(writer.get()));
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), member.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
  archive_entry_set_mtime(entry.get(), std::time(nullptr), 0);
  if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK ||
      archive_write_data(writer.get(), content.data(), content.size()) < 0 ||
      archive_write_close(writer.get()) != ARCHIVE_OK)
    throw Error(ExitCode::failed, "cannot make a tar: " + archive_error(writer.get()));
  return out;
}

std::optional<std::string> file_from_tar(const std::string& tar, const std::string& member) {
  if (tar.empty()) return std::nullopt;
  std::unique_ptr<archive, ArchiveReadDeleter> reader(archive_read_new());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_memory(reader.get(), tar.data(), tar.size()) != ARCHIVE_OK)
    throw Error(ExitCode::failed, "damaged tar from the engine: " + archive_error(reader.get()));
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) return std::nullopt;
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN)
      throw Error(ExitCode::failed, "damaged tar from the engine: " + archive_error(reader.get()));
    std::string name = archive_entry_pathname(entry);
    if (name.starts_with("./")) name.erase(0, 2);
    if (name != member || archive_entry_filetype(entry) != AE_IFREG) continue;
    std::string content;
    char buffer[8192];
    la_ssize_t got = 0;
    while ((got = archive_read_data(reader.get(), buffer, sizeof buffer)) > 0)
      content.append(buffer, static_cast<size_t>(got));
    if (got < 0)
      throw Error(ExitCode::failed, "damaged tar from the engine: " + archive_error(reader.get()));
    return content;
  }
}

bool push_mcp_config(engine::Client& client, const McpVolumeTarget& target, const std::string& text,
                     const ProgressCallback& progress) {
  if (!client.inspect_volume(target.volume))
    client.create_volume(target.volume, "local", target.labels);
  ensure_image(client, target.image, progress);
  VolumeAccess access(client, target.volume, target.image, target.installation);
  std::string current;
  access.export_tar([&](std::string_view bytes) {
    current.append(bytes);
    return true;
  });
  const std::string member = std::string(kMountDir) + "/" + kMcpConfigFileName;
  if (file_from_tar(current, member) == text) return false;
  const std::string tar = single_file_tar(member, text);
  size_t offset = 0;
  access.import_tar([&](char* buffer, size_t size) {
    const size_t n = std::min(size, tar.size() - offset);
    std::copy_n(tar.data() + offset, n, buffer);
    offset += n;
    return n;
  });
  return true;
}

}  // namespace ollama_stack::stack
