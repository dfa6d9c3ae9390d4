#pragma once
// A tar of generated files (xorshift bytes: incompressible, like models), produced as it is read
// so a test can stream hundreds of MB into a container without holding them; records each file's
// SHA-256 on the way.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "ollama_stack/util/sha256.hpp"

namespace ollama_stack::e2e {

struct GeneratedFile {
  std::string name;  // relative to the volume root
  uint64_t size = 0;
  uint32_t seed = 1;
  int64_t uid = 0;  // owner in the tar header (the engine keeps it when it extracts)
};

class TarStream {
 public:
  explicit TarStream(std::vector<GeneratedFile> files) : files_(std::move(files)) {
    archive_ = archive_write_new();
    archive_write_set_format_pax_restricted(archive_);
    archive_write_set_options(archive_, "hdrcharset=BINARY");  // raw UTF-8 names whatever the locale
    archive_write_set_bytes_per_block(archive_, 0);
    archive_write_open(archive_, this, nullptr, &TarStream::sink, nullptr);
  }
  ~TarStream() { archive_write_free(archive_); }

  size_t read(char* buffer, size_t size) {
    while (pending_.size() - offset_ < size && !finished_) produce();
    size_t n = std::min(size, pending_.size() - offset_);
    std::memcpy(buffer, pending_.data() + offset_, n);
    offset_ += n;
    if (offset_ > (1u << 20)) {
      pending_.erase(0, offset_);
      offset_ = 0;
    }
    return n;
  }
  const std::map<std::string, std::string>& digests() const { return digests_; }

 private:
  static la_ssize_t sink(archive*, void* self, const void* data, size_t size) {
    static_cast<TarStream*>(self)->pending_.append(static_cast<const char*>(data), size);
    return static_cast<la_ssize_t>(size);
  }
  void produce() {
    if (current_ == files_.size()) {
      archive_write_close(archive_);
      finished_ = true;
      return;
    }
    auto& file = files_[current_];
    if (!started_) {
      archive_entry* entry = archive_entry_new();
      archive_entry_copy_pathname(entry, file.name.c_str());
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_perm(entry, 0644);
      archive_entry_set_uid(entry, file.uid);
      archive_entry_set_gid(entry, file.uid);
      archive_entry_set_size(entry, static_cast<la_int64_t>(file.size));
      archive_write_header(archive_, entry);
      archive_entry_free(entry);
      started_ = true;
      written_ = 0;
      state_ = file.seed;
      sha_ = util::Sha256();
    }
    std::string chunk(std::min<uint64_t>(1 << 20, file.size - written_), '\0');
    for (size_t i = 0; i + 4 <= chunk.size(); i += 4) {
      state_ ^= state_ << 13, state_ ^= state_ >> 17, state_ ^= state_ << 5;
      std::memcpy(chunk.data() + i, &state_, 4);
    }
    for (size_t i = chunk.size() / 4 * 4; i < chunk.size(); ++i) chunk[i] = 'x';
    if (!chunk.empty()) archive_write_data(archive_, chunk.data(), chunk.size());
    sha_.update(chunk);
    written_ += chunk.size();
    if (written_ == file.size) {
      digests_[file.name] = sha_.hex_digest();
      ++current_;
      started_ = false;
    }
  }

  std::vector<GeneratedFile> files_;
  archive* archive_ = nullptr;
  std::string pending_;
  size_t offset_ = 0;
  bool finished_ = false;
  size_t current_ = 0;
  bool started_ = false;
  uint64_t written_ = 0;
  uint32_t state_ = 1;
  util::Sha256 sha_;
  std::map<std::string, std::string> digests_;
};

}  // namespace ollama_stack::e2e
