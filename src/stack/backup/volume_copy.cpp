#include "backup/volume_copy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <exception>
#include <thread>

#include "ollama_stack/util/byte_pipe.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using State = ProgressUpdate::State;

// Thrown into the scanning thread when the upload has stopped taking bytes.
struct UploadStopped {};

void report(const VolumeCopyOptions& options, State state, const std::string& message,
            int64_t current) {
  if (!options.progress) return;
  const int64_t total = std::max<int64_t>(options.expected_bytes, 0);
  // The tar carries headers besides the content the engine measured: never show more than 100 %.
  options.progress({options.task, options.label, state, message,
                    total > 0 ? std::min(current, total) : current, total});
}

// The tar of `source`, checksummed entry by entry on one thread while the same bytes are uploaded
// into `target` on this one. Returns the source's entries.
std::vector<VolumeEntry> stream_into(VolumeAccess& source, VolumeAccess& target,
                                     const VolumeCopyOptions& options) {
  std::vector<VolumeEntry> entries;
  uint64_t sent = 0, reported = 0;
  read_volume_tar(source, [&](const ByteReader& from_source) {
    util::BytePipe to_target;
    std::thread scanner([&] {
      try {
        ByteReader tee = [&](char* buffer, size_t size) {
          const size_t got = from_source(buffer, size);
          if (got > 0 && !to_target.write(std::string_view(buffer, got))) throw UploadStopped{};
          return got;
        };
        entries = scan_tar(tee, "the source volume's tar");
        std::array<char, 64 * 1024> rest{};  // the tar's padding: the upload needs it too
        while (tee(rest.data(), rest.size()) > 0) {
        }
        to_target.close_write();
      } catch (...) {
        to_target.close_write(std::current_exception());
      }
    });
    try {
      target.import_tar([&](char* buffer, size_t size) {
        if (options.cancelled && options.cancelled()) throw Interrupted();
        const size_t got = to_target.read(buffer, size);
        sent += got;
        if (sent - reported >= (size_t{1} << 20)) {
          reported = sent;
          report(options, State::running, "copying", static_cast<int64_t>(sent));
        }
        return got;
      });
    } catch (...) {
      to_target.close_read();
      scanner.join();
      throw;
    }
    scanner.join();
  });
  return entries;
}

}  // namespace

void read_volume_tar(VolumeAccess& access, const std::function<void(const ByteReader&)>& consume) {
  util::BytePipe pipe;
  std::thread producer([&] {
    std::exception_ptr error;
    try {
      access.export_tar([&](std::string_view bytes) { return pipe.write(bytes); });
    } catch (...) {
      error = std::current_exception();
    }
    pipe.close_write(error);
  });
  std::exception_ptr failure;
  try {
    consume([&](char* buffer, size_t size) { return pipe.read(buffer, size); });
  } catch (...) {
    failure = std::current_exception();
  }
  pipe.close_read();  // the export stops if the consumer did not read it all
  producer.join();
  if (failure) std::rethrow_exception(failure);
}

bool volume_has_content(VolumeAccess& access) {
  std::vector<std::string> names;
  read_volume_tar(access, [&](const ByteReader& reader) {
    names = first_tar_entries(reader, 2, "the volume's tar");
  });
  return names.size() > 1;  // the first entry is the volume's own root directory
}

VolumeCopyResult copy_volume(VolumeAccess& source, VolumeAccess& target,
                             const VolumeCopyOptions& options) {
  VolumeCopyResult result;
  report(options, State::running, "copying", 0);
  result.entries = stream_into(source, target, options);
  for (const auto& entry : result.entries)
    if (entry.type == "file") ++result.files, result.bytes += entry.size;

  report(options, State::running, "verifying", 0);
  std::vector<VolumeEntry> copied;
  read_volume_tar(target, [&](const ByteReader& reader) {
    uint64_t read = 0, reported = 0;
    ByteReader counting = [&](char* buffer, size_t size) {
      if (options.cancelled && options.cancelled()) throw Interrupted();
      const size_t got = reader(buffer, size);
      read += got;
      if (read - reported >= (size_t{1} << 20)) {
        reported = read;
        report(options, State::running, "verifying", static_cast<int64_t>(read));
      }
      return got;
    };
    copied = scan_tar(counting, "the target volume's tar");
  });
  if (auto difference = first_difference(result.entries, copied, "the source volume"))
    throw Error(ExitCode::failed,
                fmt::format("the copy does not match its source: {}", *difference),
                "the source volume is unchanged; run the same migrate again");
  report(options, State::done, fmt::format("{} files copied and verified", result.files),
         static_cast<int64_t>(result.bytes));
  return result;
}

}  // namespace ollama_stack::stack
