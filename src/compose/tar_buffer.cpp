#include "tar_buffer.hpp"

#include <archive_entry.h>

namespace ollama_stack::compose {

TarBuffer::TarBuffer() : writer_(archive_write_new(), archive_write_free) {
  archive_write_set_format_pax_restricted(writer_.get());
  archive_write_set_bytes_in_last_block(writer_.get(), 1);
  archive_write_open(
      writer_.get(), &output_, nullptr,
      [](archive*, void* target, const void* buffer, size_t length) -> la_ssize_t {
        static_cast<std::string*>(target)->append(static_cast<const char*>(buffer), length);
        return static_cast<la_ssize_t>(length);
      },
      nullptr);
}

void TarBuffer::add_file(const std::string& path, std::string_view content, int mode, int64_t uid, int64_t gid,
                         std::time_t mtime) {
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(entry.get(), path.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), static_cast<mode_t>(mode));
  archive_entry_set_uid(entry.get(), uid);
  archive_entry_set_gid(entry.get(), gid);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
  archive_entry_set_mtime(entry.get(), mtime, 0);
  archive_write_header(writer_.get(), entry.get());
  archive_write_data(writer_.get(), content.data(), content.size());
}

std::string TarBuffer::finish() {
  archive_write_close(writer_.get());
  return std::move(output_);
}

}  // namespace ollama_stack::compose
