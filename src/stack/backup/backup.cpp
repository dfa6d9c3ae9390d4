#include "ollama_stack/stack/backup/backup.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

#include "backup/backup_verify.hpp"
#include "ollama_stack/compose/project_filter.hpp"
#include "ollama_stack/compose/project_json.hpp"
#include "ollama_stack/stack/backup/backup_archive.hpp"
#include "ollama_stack/stack/backup/volume_access.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/sha256.hpp"
#include "ollama_stack/util/timestamp.hpp"
#include "ollama_stack/util/version.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;
using State = ProgressUpdate::State;

[[noreturn]] void cannot_write(const fs::path& path, const std::string& why) {
  throw Error(ExitCode::failed, fmt::format("cannot write {}: {}", path.string(), why),
              "check the free space and permissions there, or choose another --output");
}

// Removes the staging directory unless the backup succeeded.
struct Staging {
  fs::path path;
  bool keep = false;
  ~Staging() {
    std::error_code ignored;
    if (!keep && !path.empty()) fs::remove_all(path, ignored);
  }
};

// A file of the backup written as it streams, with its checksum.
class MemberFile {
 public:
  MemberFile(const fs::path& root, std::string name) : name_(std::move(name)), path_(root / name_) {
    fs::create_directories(path_.parent_path());
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) cannot_write(path_, std::strerror(errno));
  }
  ~MemberFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  void write(std::string_view bytes) {
    sha_.update(bytes);
    while (!bytes.empty()) {
      auto wrote = ::write(fd_, bytes.data(), bytes.size());
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote < 0) cannot_write(path_, std::strerror(errno));
      bytes.remove_prefix(static_cast<size_t>(wrote));
    }
  }
  BackupFile finish() {
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
      fd_ = -1;
      cannot_write(path_, std::strerror(errno));
    }
    fd_ = -1;
    return {name_, sha_.size(), sha_.hex_digest()};
  }

 private:
  std::string name_;
  fs::path path_;
  int fd_ = -1;
  util::Sha256 sha_;
};

BackupFile write_member(const fs::path& root, const std::string& name, std::string_view content) {
  MemberFile file(root, name);
  file.write(content);
  return file.finish();
}

// The home's config files: relative paths under the home.
std::vector<std::string> config_files(const HomeLayout& home) {
  std::vector<std::string> files;
  for (const auto& path : {home.env_file(), home.state_file(), home.mcp_config(), home.compose_override()})
    if (fs::is_regular_file(path)) files.push_back(fs::relative(path, home.root).generic_string());
  if (fs::is_directory(home.extensions_dir()))
    for (const auto& item : fs::recursive_directory_iterator(home.extensions_dir()))
      if (item.is_regular_file()) files.push_back(fs::relative(item.path(), home.root).generic_string());
  return files;
}

nlohmann::json stack_state(Session& session) {
  auto& client = session.engine();
  const std::string project = session.project().project.name;
  nlohmann::json services = nlohmann::json::array();
  bool running = false;
  for (const auto& container : client.list_containers(compose::project_filter(project), true)) {
    running = running || container.state == "running";
    services.push_back({{"service", container.labels.count(labels::kService) ? container.labels.at(labels::kService) : ""},
                        {"container", container.name},
                        {"state", container.state},
                        {"image", container.image},
                        {"image_id", container.image_id}});
  }
  return {{"project", project}, {"running", running}, {"containers", services}};
}

std::map<std::string, int64_t> volume_sizes(engine::Client& client) {
  std::map<std::string, int64_t> sizes;
  try {
    auto df = client.system_df();
    if (df.contains("Volumes") && df["Volumes"].is_array())
      for (const auto& volume : df["Volumes"])
        if (volume.contains("UsageData") && volume["UsageData"].is_object())
          sizes[volume.value("Name", "")] = volume["UsageData"].value("Size", int64_t{-1});
  } catch (const std::exception&) {
    // Sizes only make the progress bar better.
  }
  return sizes;
}

BackupVolume back_up_volume(Session& session, const InstallationVolume& volume, const fs::path& root,
                            int64_t size_hint, const BackupOptions& options) {
  auto& client = session.engine();
  const auto info = client.inspect_volume(volume.name);
  if (!info) throw Error(ExitCode::failed, fmt::format("volume {} disappeared during the backup", volume.name));
  const auto image = access_image(session, volume.service);
  if (!image)
    throw Error(ExitCode::failed,
                fmt::format("no image of the stack is on this machine to read volume {} with", volume.name),
                "run `ollama-stack start` once (it pulls the images), then back up again");
  BackupVolume entry;
  entry.key = volume.key;
  entry.name = volume.name;
  entry.driver = info->driver;
  entry.labels = info->labels;
  entry.service = volume.service;
  entry.archive = "volumes/" + volume.key + ".tar";
  entry.entries = "volumes/" + volume.key + ".entries.json";
  const std::string task = "volume:" + volume.name;
  if (options.progress) options.progress({task, volume.name, State::running, "backing up", 0, std::max<int64_t>(size_hint, 0)});
  MemberFile file(root, entry.archive);
  bool interrupted = false;
  uint64_t received = 0, reported = 0;
  {
    VolumeAccess access(client, volume.name, *image, session.project().project.name);
    access.export_tar([&](std::string_view bytes) {
      if (options.cancelled && options.cancelled()) {
        interrupted = true;
        return false;
      }
      file.write(bytes);
      received += bytes.size();
      if (options.progress && received - reported >= (1u << 20)) {
        reported = received;
        const int64_t total = size_hint >= static_cast<int64_t>(received) ? size_hint : 0;
        options.progress({task, volume.name, State::running, "backing up", static_cast<int64_t>(received), total});
      }
      return true;
    });
  }
  if (interrupted) throw Interrupted();
  (void)file.finish();
  if (options.progress)
    options.progress({task, volume.name, State::done, fmt::format("backed up ({} bytes)", received), static_cast<int64_t>(received), 0});
  return entry;
}

}  // namespace

fs::path default_backup_path(const std::string& project, bool compress, std::chrono::system_clock::time_point now) {
  return fmt::format("ollama-stack-backup-{}-{}{}", project, util::format_compact_utc(now), compress ? ".tar.gz" : "");
}

std::vector<InstallationVolume> installation_volumes(Session& session) {
  auto& client = session.engine();
  const auto& project = session.project().project;
  std::vector<InstallationVolume> volumes;
  std::set<std::string> seen;
  for (const auto& [key, volume] : project.volumes) {
    if (volume.external || !client.inspect_volume(volume.name)) continue;
    std::string service;
    for (const auto& [name, definition] : project.services)
      for (const auto& mount : definition.volumes)
        if (service.empty() && mount.type == compose::Mount::Type::volume && mount.source == key) service = name;
    volumes.push_back({key, volume.name, service});
    seen.insert(volume.name);
  }
  for (const auto& volume : client.list_volumes(labels::installation_filter(project.name)))
    if (seen.insert(volume.name).second) volumes.push_back({volume.name, volume.name, ""});
  return volumes;
}

std::optional<std::string> access_image(engine::Client& engine, const compose::Project& project,
                                        const std::string& service) {
  std::vector<std::string> candidates;
  if (auto it = project.services.find(service); it != project.services.end()) candidates.push_back(it->second.image);
  for (const auto& [name, definition] : project.services) candidates.push_back(definition.image);
  for (const auto& image : candidates)
    if (engine.inspect_image(image)) return image;
  return std::nullopt;
}

std::optional<std::string> access_image(Session& session, const std::string& service) {
  return access_image(session.engine(), session.project().project, service);
}

BackupResult create_backup(Session& session, const BackupOptions& options) {
  const auto& loaded = session.project();
  const auto now = std::chrono::system_clock::now();
  BackupResult result;
  result.compressed = options.compress;
  result.path = options.output.empty() ? default_backup_path(loaded.project.name, options.compress, now) : options.output;
  if (fs::exists(result.path))
    throw Error(ExitCode::failed, fmt::format("{} already exists", result.path.string()),
                "choose another --output (a backup never overwrites anything)");
  Staging staging;
  staging.path = result.path;
  staging.path += ".partial";
  std::error_code error;
  fs::remove_all(staging.path, error);
  if (!fs::create_directories(staging.path, error) || error) cannot_write(staging.path, error.message());
  fs::permissions(staging.path, fs::perms::owner_all, error);
  const fs::path root = options.compress ? staging.path / "content" : staging.path;
  fs::create_directories(root);

  auto& manifest = result.manifest;
  manifest.created_at = util::format_rfc3339(now);
  manifest.tool_version = kVersion;
  manifest.project = loaded.project.name;
  manifest.platform = to_string(loaded.platform);
  const auto home = session.home();
  for (const auto& relative : config_files(home))
    manifest.files.push_back(write_member(root, "config/" + relative, util::read_file(home.root / relative)));
  const auto model = compose::to_json(loaded.project);
  manifest.files.push_back(write_member(root, "compose/project.json", model.dump(2) + "\n"));
  manifest.files.push_back(write_member(root, "compose/project.yml", compose::to_yaml(model)));
  auto state = stack_state(session);
  manifest.was_running = state.value("running", false);
  manifest.files.push_back(write_member(root, "stack.json", state.dump(2) + "\n"));

  if (options.include_volumes) {
    const auto sizes = volume_sizes(session.engine());
    for (const auto& volume : installation_volumes(session)) {
      auto size = sizes.count(volume.name) ? sizes.at(volume.name) : -1;
      auto entry = back_up_volume(session, volume, root, size, options);
      // Read back what was written: its checksum and an entry-by-entry list for restore to check.
      util::Sha256 sha;
      ByteReader read = file_reader(root / entry.archive);
      ByteReader hashing = [&](char* buffer, size_t n) {
        size_t got = read(buffer, n);
        sha.update(std::string_view(buffer, got));
        return got;
      };
      auto entries = scan_tar(hashing, entry.archive);
      std::array<char, 64 * 1024> rest{};
      while (hashing(rest.data(), rest.size()) > 0) {
      }
      for (const auto& item : entries)
        if (item.type == "file") ++entry.files, entry.content_bytes += item.size;
      // The entry list goes first, so a reader meets it before the tar it describes.
      manifest.files.push_back(write_member(root, entry.entries, to_json(entries).dump() + "\n"));
      manifest.files.push_back({entry.archive, sha.size(), sha.hex_digest()});
      manifest.volumes.push_back(std::move(entry));
    }
  }
  (void)write_member(root, kManifestName, to_json(manifest).dump(2) + "\n");

  if (options.compress) {
    const fs::path packed = staging.path / "backup.tar.gz";
    uint64_t total = 0, before = 0;
    for (const auto& file : manifest.files) total += file.size;
    {
      TarGzWriter writer(packed);
      writer.add_file(kManifestName, root / kManifestName);
      for (const auto& file : manifest.files) {
        if (options.cancelled && options.cancelled()) throw Interrupted();
        writer.add_file(file.path, root / file.path, [&](uint64_t bytes) {
          if (options.progress && (bytes & 0xFFFFF) == 0)
            options.progress({"compress", "compress", State::running, "compressing", static_cast<int64_t>(before + bytes), static_cast<int64_t>(total)});
        });
        before += file.size;
      }
      writer.close();
    }
    if (options.progress) options.progress({"compress", "compress", State::done, "compressed", 0, 0});
    verify_backup(packed, options.progress);
    fs::rename(packed, result.path, error);
    if (error) cannot_write(result.path, error.message());
    result.bytes = fs::file_size(result.path);
  } else {
    verify_backup(staging.path, options.progress);
    fs::rename(staging.path, result.path, error);
    if (error) cannot_write(result.path, error.message());
    staging.keep = true;
    for (const auto& file : manifest.files) result.bytes += file.size;
  }
  return result;
}

}  // namespace ollama_stack::stack
