#pragma once
// Whole-file reads and atomic writes. A write goes to a temp file in the target's directory,
// is fsynced, renamed over the target and the directory fsynced, so a reader sees either the
// old content or the new one, never a mix, and a crash leaves no half-written file.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ollama_stack::util {

struct WriteOptions {
  // Mode of the written file; nullopt keeps the mode of the file being replaced (0644 when new).
  std::optional<mode_t> mode;
};

// Throws Error(failed) "cannot write <path>: <strerror>" and leaves no temp file behind.
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       const WriteOptions& options = {});

// Throws Error(failed) "cannot read <path>: <strerror>" (also when the file is missing).
std::string read_file(const std::filesystem::path& path);

// nullopt when the file does not exist; throws like read_file for any other failure.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);

}  // namespace ollama_stack::util
