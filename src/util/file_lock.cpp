#include "ollama_stack/util/file_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/timestamp.hpp"

namespace ollama_stack::util {
namespace {

constexpr auto poll_interval = std::chrono::milliseconds(50);

int open_lock_file(const std::filesystem::path& path, bool create_directory) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == ENOENT || errno == ENOTDIR) && create_directory && path.has_parent_path()) {
    // The directory is missing (never made, or removed by `uninstall --all` while we waited).
    const auto dir = path.parent_path();
    std::error_code error;
    const bool created = std::filesystem::create_directories(dir, error);
    if (error)
      throw Error(ExitCode::failed, fmt::format("cannot create {}: {}", dir.string(), error.message()),
                  "choose another --home (or OLLAMA_STACK_HOME), or fix the permissions of its parent directory");
    if (created) ::chmod(dir.c_str(), 0700);  // it holds the WebUI secret
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  }
  if (fd < 0) {
    throw Error(
        ExitCode::failed,
        fmt::format("cannot open the lock file {}: {}", path.string(), std::strerror(errno)),
        "check that the ollama-stack home exists and is writable by you");
  }
  return fd;
}

// Whether `fd` is still the file at `path`. A holder may remove the lock file (uninstall removes
// the home) before it releases: whoever then locks the old, unlinked file holds nothing, since a
// newcomer creates and locks a new one.
bool is_current(int fd, const std::filesystem::path& path) {
  struct stat open_file {}, named {};
  if (::fstat(fd, &open_file) != 0 || ::stat(path.c_str(), &named) != 0) return false;
  return open_file.st_dev == named.st_dev && open_file.st_ino == named.st_ino;
}

// true: locked; false: busy. Throws on other failures.
bool try_flock(int fd, const std::filesystem::path& path) {
  while (true) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
    if (errno == EWOULDBLOCK) return false;
    if (errno == EINTR) continue;
    throw Error(ExitCode::failed,
                fmt::format("cannot lock {}: {}", path.string(), std::strerror(errno)));
  }
}

void record_holder(int fd, std::string_view verb) {
  nlohmann::json holder = {{"pid", static_cast<long>(::getpid())},
                           {"verb", verb},
                           {"since", format_rfc3339(std::chrono::system_clock::now())}};
  std::string text = holder.dump() + "\n";
  // Best effort: the lock is what matters, the note only helps waiters explain themselves.
  if (::ftruncate(fd, 0) == 0) {
    ssize_t ignored = ::pwrite(fd, text.data(), text.size(), 0);
    (void)ignored;
  }
}

}  // namespace

std::string LockHolder::describe() const {
  if (!pid) return verb.empty() ? "" : fmt::format("`{}`", verb);
  if (verb.empty()) return fmt::format("pid {}", *pid);
  return fmt::format("pid {}, `{}`", *pid, verb);
}

FileLock::FileLock(std::filesystem::path path, bool create_directory)
    : path_(std::move(path)), create_directory_(create_directory) {}

FileLock::FileLock(FileLock&& other) noexcept
    : path_(std::move(other.path_)), create_directory_(other.create_directory_), fd_(other.fd_) {
  other.fd_ = -1;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    create_directory_ = other.create_directory_;
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() { release(); }

bool FileLock::lock_current(int& fd) {
  while (try_flock(fd, path_)) {
    if (is_current(fd, path_)) return true;
    ::close(fd);  // a removed lock file: the lock is whatever file is at the path now
    fd = -1;
    fd = open_lock_file(path_, create_directory_);
  }
  return false;
}

bool FileLock::try_acquire(std::string_view verb) {
  if (held()) return true;
  int fd = open_lock_file(path_, create_directory_);
  try {
    if (!lock_current(fd)) {
      ::close(fd);
      return false;
    }
  } catch (...) {
    if (fd >= 0) ::close(fd);
    throw;
  }
  fd_ = fd;
  record_holder(fd_, verb);
  return true;
}

void FileLock::acquire(std::string_view verb, std::chrono::milliseconds timeout,
                       const OnWait& on_wait) {
  if (held()) return;
  int fd = open_lock_file(path_, create_directory_);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool waited = false;
  try {
    while (!lock_current(fd)) {
      if (!waited) {
        waited = true;
        if (on_wait) on_wait(read_holder(path_));
      }
      if (cancel_requested()) throw Interrupted();
      if (std::chrono::steady_clock::now() >= deadline) {
        LockHolder holder = read_holder(path_);
        std::string who = holder.describe();
        throw Error(ExitCode::failed,
                    fmt::format("another ollama-stack{} holds the lock {}; gave up after {}s",
                                who.empty() ? "" : " (" + who + ")", path_.string(),
                                std::chrono::duration<double>(timeout).count()),
                    "wait for it to finish and try again; if no ollama-stack is running, the lock "
                    "is free already (the kernel releases it when its holder exits)");
      }
      std::this_thread::sleep_for(poll_interval);
    }
  } catch (...) {
    if (fd >= 0) ::close(fd);
    throw;
  }
  fd_ = fd;
  record_holder(fd_, verb);
}

void FileLock::release() noexcept {
  if (fd_ < 0) return;
  // Clear the note first so nobody later names a process that no longer holds the lock.
  if (::ftruncate(fd_, 0) != 0) {
    // nothing useful to do; the unlock below is what matters
  }
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
}

LockHolder FileLock::read_holder(const std::filesystem::path& path) {
  LockHolder holder;
  try {
    auto text = read_file_if_exists(path);
    if (!text || text->empty()) return holder;
    auto json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object()) return holder;
    if (auto it = json.find("pid"); it != json.end() && it->is_number_integer())
      holder.pid = it->get<long>();
    if (auto it = json.find("verb"); it != json.end() && it->is_string())
      holder.verb = it->get<std::string>();
    if (auto it = json.find("since"); it != json.end() && it->is_string())
      holder.since = it->get<std::string>();
  } catch (const Error&) {
    // unreadable note: the holder stays anonymous
  }
  return holder;
}

}  // namespace ollama_stack::util
