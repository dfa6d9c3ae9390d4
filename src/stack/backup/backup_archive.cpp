#include "ollama_stack/stack/backup/backup_archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <exception>
#include <fstream>
#include <memory>

#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/sha256.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;
constexpr size_t kChunk = 64 * 1024;

[[noreturn]] void cannot_write(const fs::path& path, const std::string& why) {
  throw Error(ExitCode::failed, fmt::format("cannot write {}: {}", path.string(), why),
              "check the free space and permissions there, or choose another --output");
}

[[noreturn]] void damaged(const std::string& where, const std::string& what) {
  throw Error(ExitCode::failed, fmt::format("{}: {}", where, what),
              "the backup is corrupt or truncated; restore refuses it and changes nothing — use another backup");
}

// libarchive's own words for its last error, with the system's for its errno when that is one
// ("Write error (No space left on device)"). Its string may be NULL: never formatted as such.
std::string archive_message(archive* a, const char* otherwise) {
  const char* text = archive_error_string(a);
  const int number = archive_errno(a);
  // libarchive reports its own kinds as EILSEQ (file format) and EINVAL (misuse): not the system's.
  const bool system = number > 0 && number != EILSEQ && number != EINVAL;
  const std::string why = system ? std::strerror(number) : "";
  if (text == nullptr || *text == '\0') return why.empty() ? otherwise : why;
  if (why.empty() || std::string_view(text).find(why) != std::string_view::npos) return text;
  return fmt::format("{} ({})", text, why);
}

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

// libarchive pulls through this; exceptions of the reader are kept and rethrown outside its C frames.
struct PullSource {
  const ByteReader* reader = nullptr;
  std::array<char, kChunk> buffer{};
  std::exception_ptr error;
};

la_ssize_t pull(archive*, void* user, const void** out) {
  auto* source = static_cast<PullSource*>(user);
  try {
    size_t got = (*source->reader)(source->buffer.data(), source->buffer.size());
    *out = source->buffer.data();
    return static_cast<la_ssize_t>(got);
  } catch (...) {
    source->error = std::current_exception();
    return -1;
  }
}

std::string type_of(archive_entry* entry) {
  if (archive_entry_hardlink(entry) != nullptr) return "hardlink";
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG: return "file";
    case AE_IFDIR: return "dir";
    case AE_IFLNK: return "symlink";
    default: return "other";
  }
}

std::string entry_name(archive_entry* entry) {
  const char* utf8 = archive_entry_pathname_utf8(entry);
  if (utf8 != nullptr) return utf8;
  const char* raw = archive_entry_pathname(entry);
  return raw != nullptr ? raw : "";
}

}  // namespace

std::vector<VolumeEntry> scan_tar(const ByteReader& reader, const std::string& where) {
  std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
  archive_read_support_format_tar(a.get());
  PullSource source;
  source.reader = &reader;
  auto rethrow_or = [&](const std::string& what) {
    if (source.error) std::rethrow_exception(source.error);
    damaged(where, what);
  };
  if (archive_read_open(a.get(), &source, nullptr, pull, nullptr) != ARCHIVE_OK)
    rethrow_or(fmt::format("damaged tar ({})", archive_message(a.get(), "unreadable")));
  std::vector<VolumeEntry> entries;
  std::array<char, kChunk> buffer{};
  for (;;) {
    archive_entry* header = nullptr;
    int status = archive_read_next_header(a.get(), &header);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN)
      rethrow_or(fmt::format("damaged tar after {} entries ({})", entries.size(), archive_message(a.get(), "unreadable header")));
    VolumeEntry entry;
    entry.path = entry_name(header);
    entry.type = type_of(header);
    if (entry.type == "symlink") {
      const char* target = archive_entry_symlink_utf8(header);
      if (target == nullptr) target = archive_entry_symlink(header);
      entry.target = target != nullptr ? target : "";
    }
    if (entry.type == "hardlink") {
      const char* target = archive_entry_hardlink_utf8(header);
      if (target == nullptr) target = archive_entry_hardlink(header);
      entry.target = target != nullptr ? target : "";
    }
    if (entry.type == "file") {
      util::Sha256 sha;
      for (;;) {
        la_ssize_t got = archive_read_data(a.get(), buffer.data(), buffer.size());
        if (got == 0) break;
        if (got < 0)
          rethrow_or(fmt::format("the file '{}' is damaged or cut short ({})", volume_relative(entry.path),
                                 archive_message(a.get(), "read error")));
        sha.update(std::string_view(buffer.data(), static_cast<size_t>(got)));
      }
      entry.size = sha.size();
      entry.sha256 = sha.hex_digest();
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<std::string> first_tar_entries(const ByteReader& reader, size_t limit,
                                           const std::string& where) {
  std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
  archive_read_support_format_tar(a.get());
  PullSource source;
  source.reader = &reader;
  auto fail = [&](const char* what) {
    if (source.error) std::rethrow_exception(source.error);
    const char* reason = archive_error_string(a.get());
    throw Error(ExitCode::failed,
                fmt::format("{}: damaged tar ({})", where, reason != nullptr ? reason : what));
  };
  if (archive_read_open(a.get(), &source, nullptr, pull, nullptr) != ARCHIVE_OK) fail("unreadable");
  std::vector<std::string> names;
  while (names.size() < limit) {
    archive_entry* header = nullptr;
    const int status = archive_read_next_header(a.get(), &header);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) fail("unreadable header");
    names.push_back(entry_name(header));
  }
  return names;
}

ByteReader file_reader(const fs::path& path) {
  auto stream = std::make_shared<std::ifstream>(path, std::ios::binary);
  if (!*stream)
    throw Error(ExitCode::failed, fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  return [stream, path](char* buffer, size_t size) -> size_t {
    stream->read(buffer, static_cast<std::streamsize>(size));
    if (stream->bad()) throw Error(ExitCode::failed, fmt::format("cannot read {}: read error", path.string()));
    return static_cast<size_t>(stream->gcount());
  };
}

TarGzWriter::TarGzWriter(const fs::path& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) cannot_write(path, std::strerror(errno));
  auto* a = archive_write_new();
  archive_ = a;
  archive_write_add_filter_gzip(a);
  // Models do not compress; level 1 keeps a backup of tens of GB from taking hours.
  archive_write_set_filter_option(a, "gzip", "compression-level", "1");
  archive_write_set_format_pax_restricted(a);
  // Names are written as the bytes they are (UTF-8 on every system we support): libarchive would
  // otherwise convert them through the C locale, which cannot hold non-ASCII names.
  archive_write_set_options(a, "hdrcharset=BINARY");
  if (archive_write_open_fd(a, fd_) != ARCHIVE_OK) cannot_write(path, archive_message(a, "write error"));
}

TarGzWriter::~TarGzWriter() {
  if (archive_ != nullptr) archive_write_free(static_cast<archive*>(archive_));
  if (fd_ >= 0) ::close(fd_);
}

void TarGzWriter::add_file(const std::string& member, const fs::path& source,
                           const std::function<void(uint64_t)>& on_bytes) {
  auto* a = static_cast<archive*>(archive_);
  std::error_code error;
  const auto size = fs::file_size(source, error);
  if (error) throw Error(ExitCode::failed, fmt::format("cannot read {}: {}", source.string(), error.message()));
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(), archive_entry_free);
  archive_entry_copy_pathname(entry.get(), member.c_str());
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0600);
  archive_entry_set_mtime(entry.get(), ::time(nullptr), 0);
  auto fail = [&] { cannot_write(path_, archive_message(a, "write error")); };
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) fail();
  auto read = file_reader(source);
  std::array<char, kChunk> buffer{};
  uint64_t written = 0;
  for (size_t got = read(buffer.data(), buffer.size()); got > 0; got = read(buffer.data(), buffer.size())) {
    if (archive_write_data(a, buffer.data(), got) < 0) fail();
    written += got;
    if (on_bytes) on_bytes(written);
  }
  if (written != size) throw Error(ExitCode::failed, fmt::format("{} changed while it was being archived", source.string()));
}

void TarGzWriter::close() {
  auto* a = static_cast<archive*>(archive_);
  if (archive_write_close(a) != ARCHIVE_OK) cannot_write(path_, archive_message(a, "write error"));
  archive_write_free(a);
  archive_ = nullptr;
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    fd_ = -1;
    cannot_write(path_, std::strerror(errno));
  }
  fd_ = -1;
}

void read_tar_gz(const fs::path& path,
                 const std::function<void(const std::string& name, uint64_t size, const ByteReader& data)>& on_member) {
  std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  const std::string where = fmt::format("backup {} is corrupt", path.string());
  if (archive_read_open_filename(a.get(), path.c_str(), kChunk) != ARCHIVE_OK)
    damaged(where, fmt::format("cannot open as .tar.gz ({})", archive_message(a.get(), "unreadable")));
  std::string previous = "(start)";
  for (;;) {
    archive_entry* header = nullptr;
    int status = archive_read_next_header(a.get(), &header);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN)
      damaged(where, fmt::format("damaged after member {} ({})", previous, archive_message(a.get(), "unreadable header")));
    const std::string name = entry_name(header);
    previous = name;
    if (archive_entry_filetype(header) != AE_IFREG) continue;
    const auto size = static_cast<uint64_t>(archive_entry_size(header));
    ByteReader data = [&](char* buffer, size_t capacity) -> size_t {
      la_ssize_t got = archive_read_data(a.get(), buffer, capacity);
      if (got < 0) damaged(where, fmt::format("{}: damaged or cut short ({})", name, archive_message(a.get(), "read error")));
      return static_cast<size_t>(got);
    };
    on_member(name, size, data);
  }
}

}  // namespace ollama_stack::stack
