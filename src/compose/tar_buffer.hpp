#pragma once
// A tar archive written into memory with libarchive (pax restricted, no padded last block): the
// build context and the configs and secrets copied into containers.
#include <archive.h>

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

namespace ollama_stack::compose {

class TarBuffer {
 public:
  TarBuffer();
  TarBuffer(const TarBuffer&) = delete;
  TarBuffer& operator=(const TarBuffer&) = delete;

  archive* get() { return writer_.get(); }
  // A regular file at `path` (relative to where the archive is extracted).
  void add_file(const std::string& path, std::string_view content, int mode, int64_t uid = 0, int64_t gid = 0,
                std::time_t mtime = 0);
  // Closes the archive and returns its bytes.
  std::string finish();

 private:
  std::string output_;
  std::unique_ptr<archive, decltype(&archive_write_free)> writer_;
};

}  // namespace ollama_stack::compose
