#include "ollama_stack/util/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::util {
namespace {

[[noreturn]] void fail(std::string_view verb, const std::filesystem::path& path, int error) {
  throw Error(ExitCode::failed,
              fmt::format("cannot {} {}: {}", verb, path.string(), std::strerror(error)));
}

// Closes the descriptor and removes the temp file unless the write was committed.
class TempFile {
 public:
  TempFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }
  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return path_; }
  int close() {
    int result = ::close(fd_);
    fd_ = -1;
    return result;
  }
  void commit() { committed_ = true; }

 private:
  std::filesystem::path path_;
  int fd_;
  bool committed_ = false;
};

TempFile create_temp_beside(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::filesystem::path temp = target;
    temp.replace_filename(
        fmt::format(".{}.tmp-{}-{}", target.filename().string(), ::getpid(), counter.fetch_add(1)));
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) return TempFile(temp, fd);
    if (errno != EEXIST) fail("write", target, errno);
  }
  fail("write", target, EEXIST);
}

void write_all(int fd, std::string_view content, const std::filesystem::path& target) {
  while (!content.empty()) {
    ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("write", target, errno);
    }
    content.remove_prefix(static_cast<size_t>(written));
  }
}

void fsync_directory(const std::filesystem::path& target) {
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // the rename is done; durability of the directory entry is best effort
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       const WriteOptions& options) {
  mode_t mode = 0644;
  if (options.mode) {
    mode = *options.mode;
  } else if (struct stat existing{}; ::stat(path.c_str(), &existing) == 0) {
    mode = existing.st_mode & 07777;
  }
  TempFile temp = create_temp_beside(path);
  // fchmod is not subject to the umask, so a 0600 file is never briefly wider.
  if (::fchmod(temp.fd(), mode) != 0) fail("write", path, errno);
  write_all(temp.fd(), content, path);
  if (::fsync(temp.fd()) != 0) fail("write", path, errno);
  if (temp.close() != 0) fail("write", path, errno);
  if (::rename(temp.path().c_str(), path.c_str()) != 0) fail("write", path, errno);
  temp.commit();
  fsync_directory(path);
}

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail("read", path, errno);
  }
  std::string content;
  char buffer[65536];
  while (true) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd);
      fail("read", path, error);
    }
    if (got == 0) break;
    content.append(buffer, static_cast<size_t>(got));
  }
  ::close(fd);
  return content;
}

std::string read_file(const std::filesystem::path& path) {
  if (auto content = read_file_if_exists(path)) return std::move(*content);
  fail("read", path, ENOENT);
}

}  // namespace ollama_stack::util
