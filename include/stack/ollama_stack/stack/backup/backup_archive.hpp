#pragma once
// The tar and gzip streams of backups, through libarchive: scanning a volume's tar (checksum of
// every entry) and writing / reading a backup's .tar.gz member by member. Everything streams in
// fixed-size pieces; nothing holds a whole file or volume in memory.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ollama_stack/stack/backup/backup_manifest.hpp"

namespace ollama_stack::stack {

// Pulls bytes: fills up to `size` bytes at `buffer`, returns how many; 0 = the end.
using ByteReader = std::function<size_t(char* buffer, size_t size)>;

// Reads a tar stream and returns its entries with the SHA-256 of every file's content. Throws
// Error(failed) "<where>: damaged tar (…)" when the stream is not a valid tar. It may stop
// reading before the reader's end (tar padding); callers that checksum the stream drain it.
std::vector<VolumeEntry> scan_tar(const ByteReader& reader, const std::string& where);

// The paths of a tar stream's first `limit` entries (headers only: file contents are skipped and
// the stream is not read past the last header wanted). Throws Error(failed) "<where>: damaged tar".
std::vector<std::string> first_tar_entries(const ByteReader& reader, size_t limit, const std::string& where);

// A ByteReader over a file; throws Error(failed) naming the file when it cannot be read.
ByteReader file_reader(const std::filesystem::path& path);

// Writes a .tar.gz (mode 0600: a backup holds the WebUI secret) one member at a time.
class TarGzWriter {
 public:
  explicit TarGzWriter(const std::filesystem::path& path);
  ~TarGzWriter();
  TarGzWriter(const TarGzWriter&) = delete;
  TarGzWriter& operator=(const TarGzWriter&) = delete;

  // Adds the file `source` as `member`; `on_bytes` gets the bytes written so far.
  void add_file(const std::string& member, const std::filesystem::path& source,
                const std::function<void(uint64_t)>& on_bytes = {});
  // Finishes the archive; throws when the last bytes cannot be written.
  void close();

 private:
  std::filesystem::path path_;
  void* archive_ = nullptr;
  int fd_ = -1;
};

// Reads a .tar.gz member by member: `on_member(name, size, data)`, where `data` reads that
// member's bytes (what the callback leaves unread is skipped). Throws Error(failed) "<path>:
// <member>: …" when the archive is damaged or truncated.
void read_tar_gz(const std::filesystem::path& path,
                 const std::function<void(const std::string& name, uint64_t size, const ByteReader& data)>& on_member);

}  // namespace ollama_stack::stack
