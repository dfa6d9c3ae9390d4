#pragma once
// An exclusive advisory lock on a file (flock(2) on a descriptor kept open): it serialises
// processes, and the kernel releases it when the holder exits or dies. The holder writes its pid
// and verb into the file so a waiter can say whom it is waiting for. The lock is the file at the
// path: a holder may remove it (uninstall removes the home) and release afterwards; a waiter that
// then gets the old, removed file's lock lets it go and locks the file now at the path.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ollama_stack::util {

// Who holds a lock, as written into the lock file ({"pid":N,"verb":"start","since":"..."}).
// Fields are empty when the file says nothing readable (holder just starting, or old format).
struct LockHolder {
  std::optional<long> pid;
  std::string verb;
  std::string since;  // RFC 3339
  // "pid 1234, `start`" / "pid 1234" / "" for messages.
  std::string describe() const;
};

class FileLock {
 public:
  using OnWait = std::function<void(const LockHolder&)>;

  // Opens nothing yet; the file is created by acquire(), and its directory (mode 0700) too when
  // `create_directory` says so.
  explicit FileLock(std::filesystem::path path, bool create_directory = false);
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();  // releases

  // Takes the lock, waiting up to `timeout` (zero: do not wait). When the lock is busy,
  // `on_wait` is called once with the holder before waiting. Throws Error(failed) naming the
  // holder and the path on timeout, Interrupted when a cancel is requested while waiting, and
  // Error(failed) when the file (or its directory) cannot be made. Re-acquiring a held lock is a
  // no-op.
  void acquire(std::string_view verb, std::chrono::milliseconds timeout,
               const OnWait& on_wait = nullptr);
  // Takes the lock only if it is free right now.
  bool try_acquire(std::string_view verb);
  void release() noexcept;

  bool held() const noexcept { return fd_ >= 0; }
  const std::filesystem::path& path() const noexcept { return path_; }

  // The holder recorded in the lock file at `path` (empty fields when none).
  static LockHolder read_holder(const std::filesystem::path& path);

 private:
  // Locks `fd` if free; when the locked file is no longer the one at the path, opens that one
  // (into `fd`) and tries again. False: busy.
  bool lock_current(int& fd);

  std::filesystem::path path_;
  bool create_directory_ = false;
  int fd_ = -1;
};

}  // namespace ollama_stack::util
