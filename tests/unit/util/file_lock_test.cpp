#include "ollama_stack/util/file_lock.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/error.hpp"
#include "temp_dir.hpp"

namespace ollama_stack::util {
namespace {

using namespace std::chrono_literals;
using ollama_stack::testing::TempDir;
using ::testing::HasSubstr;

// A child process that takes the lock, says so, and holds it until told to go (or killed).
class LockHolderProcess {
 public:
  LockHolderProcess(const std::filesystem::path& path, const std::string& verb) {
    int ready[2];
    int go[2];
    if (::pipe(ready) != 0 || ::pipe(go) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(go[1]);
      FileLock lock(path);
      lock.acquire(verb, 0ms);
      char byte = 'x';
      if (::write(ready[1], &byte, 1) != 1) ::_exit(2);
      ssize_t ignored = ::read(go[0], &byte, 1);  // returns when the parent closes its end
      (void)ignored;
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(go[0]);
    go_ = go[1];
    char byte;
    if (::read(ready[0], &byte, 1) != 1) throw std::runtime_error("the lock holder did not start");
    ::close(ready[0]);
  }
  LockHolderProcess(const LockHolderProcess&) = delete;
  LockHolderProcess& operator=(const LockHolderProcess&) = delete;
  ~LockHolderProcess() {
    finish();
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }
  // Lets the child exit (without waiting for it).
  void finish() {
    if (go_ >= 0) ::close(go_);
    go_ = -1;
  }
  void exit_and_wait() {
    finish();
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  void kill_and_wait() {
    ::kill(pid_, SIGKILL);
    exit_and_wait();
  }

 private:
  pid_t pid_ = -1;
  int go_ = -1;
};

TEST(FileLock, AcquireCreatesTheFileAndRecordsTheHolder) {
  TempDir dir;
  FileLock lock(dir / "lock");
  EXPECT_FALSE(lock.held());
  lock.acquire("start", 0ms);
  EXPECT_TRUE(lock.held());
  auto holder = FileLock::read_holder(dir / "lock");
  EXPECT_EQ(holder.pid, static_cast<long>(::getpid()));
  EXPECT_EQ(holder.verb, "start");
  EXPECT_FALSE(holder.since.empty());
  EXPECT_EQ(holder.describe(), "pid " + std::to_string(::getpid()) + ", `start`");
}

TEST(FileLock, ReleaseClearsTheNoteAndFreesTheLock) {
  TempDir dir;
  {
    FileLock lock(dir / "lock");
    lock.acquire("start", 0ms);
  }
  EXPECT_EQ(FileLock::read_holder(dir / "lock").pid, std::nullopt);
  FileLock again(dir / "lock");
  EXPECT_TRUE(again.try_acquire("stop"));
}

TEST(FileLock, SecondLockInTheSameProcessTimesOut) {
  TempDir dir;
  FileLock first(dir / "lock");
  first.acquire("start", 0ms);
  FileLock second(dir / "lock");
  EXPECT_FALSE(second.try_acquire("stop"));
  EXPECT_THROW(second.acquire("stop", 100ms), Error);
  EXPECT_FALSE(second.held());
  first.release();
  EXPECT_TRUE(second.try_acquire("stop"));
}

TEST(FileLock, MovedLockStaysHeldOnce) {
  TempDir dir;
  FileLock first(dir / "lock");
  first.acquire("start", 0ms);
  FileLock moved(std::move(first));
  EXPECT_TRUE(moved.held());
  FileLock other(dir / "lock");
  EXPECT_FALSE(other.try_acquire("x"));
  moved.release();
  EXPECT_TRUE(other.try_acquire("x"));
}

TEST(FileLock, AcquireFromAnotherProcessTimesOutNamingTheHolder) {
  TempDir dir;
  LockHolderProcess holder(dir / "lock", "start");
  FileLock lock(dir / "lock");
  int waits = 0;
  LockHolder seen;
  try {
    lock.acquire("stop", 300ms, [&](const LockHolder& h) {
      ++waits;
      seen = h;
    });
    FAIL() << "expected a timeout";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::failed);
    EXPECT_THAT(error.what(),
                HasSubstr("another ollama-stack (pid " + std::to_string(holder.pid()) +
                          ", `start`) holds the lock " + (dir / "lock").string()));
    EXPECT_FALSE(error.hint().empty());
  }
  EXPECT_EQ(waits, 1);
  EXPECT_EQ(seen.pid, static_cast<long>(holder.pid()));
  EXPECT_EQ(seen.verb, "start");
  EXPECT_FALSE(lock.held());

  holder.exit_and_wait();
  lock.acquire("stop", 2s);
  EXPECT_TRUE(lock.held());
  EXPECT_EQ(FileLock::read_holder(dir / "lock").pid, static_cast<long>(::getpid()));
}

TEST(FileLock, WaiterGetsTheLockWhenTheHolderFinishes) {
  TempDir dir;
  LockHolderProcess holder(dir / "lock", "start");
  FileLock lock(dir / "lock");
  int waits = 0;
  lock.acquire("start", 10s, [&](const LockHolder&) {
    ++waits;
    holder.finish();  // the holder exits while we wait
  });
  EXPECT_TRUE(lock.held());
  EXPECT_EQ(waits, 1);
}

TEST(FileLock, KilledHolderReleasesTheLock) {
  TempDir dir;
  LockHolderProcess holder(dir / "lock", "start");
  FileLock lock(dir / "lock");
  EXPECT_FALSE(lock.try_acquire("stop"));
  holder.kill_and_wait();
  EXPECT_TRUE(lock.try_acquire("stop"));
}

TEST(FileLock, CancelWhileWaitingThrowsInterrupted) {
  TempDir dir;
  FileLock first(dir / "lock");
  first.acquire("start", 0ms);
  FileLock second(dir / "lock");
  request_cancel();
  EXPECT_THROW(second.acquire("stop", 10s), Interrupted);
  reset_cancel();
}

TEST(FileLock, UnopenableLockFileIsAClearError) {
  TempDir dir;
  FileLock lock(dir / "missing" / "lock");
  try {
    lock.acquire("start", 0ms);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_THAT(error.what(),
                HasSubstr("cannot open the lock file " + (dir / "missing" / "lock").string()));
  }
}

// How many of this process's descriptors point at `path`.
int open_count(const std::filesystem::path& path) {
  int count = 0;
  std::error_code error;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd", error)) {
    std::error_code ignored;
    if (std::filesystem::read_symlink(fd.path(), ignored) == path) ++count;
  }
  return count;
}

TEST(FileLock, AWaiterNeverSharesTheLockWithANewcomerOnceTheHolderRemovedTheFile) {
  TempDir dir;
  const auto path = dir / "lock";
  FileLock holder(path);
  holder.acquire("uninstall", 0ms);
  // A waiter has the file open while it is held...
  auto waiter = std::async(std::launch::async, [&] {
    FileLock lock(path);
    lock.acquire("start", 1500ms);
    return lock.held();
  });
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (open_count(path) < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(open_count(path), 2);
  // ...when the holder removes the file (uninstall removes the home) and only then releases. A
  // newcomer meanwhile creates the file anew and takes the lock.
  std::filesystem::remove(path);
  FileLock newcomer(path);
  ASSERT_TRUE(newcomer.try_acquire("start"));
  holder.release();
  // The waiter's file is not the lock any more: it must wait for the newcomer, not "hold" too.
  EXPECT_THROW(waiter.get(), Error);
  newcomer.release();
  FileLock after(path);
  EXPECT_TRUE(after.try_acquire("start"));
}

TEST(FileLock, CreatesItsDirectoryWhenAskedAndSaysWhenItCannot) {
  TempDir dir;
  FileLock lock(dir / "home" / "lock", /*create_directory=*/true);
  lock.acquire("install", 0ms);
  EXPECT_TRUE(std::filesystem::is_directory(dir / "home"));
  EXPECT_EQ(std::filesystem::status(dir / "home").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  std::ofstream(dir / "file") << "x";
  FileLock under_a_file(dir / "file" / "home" / "lock", /*create_directory=*/true);
  try {
    under_a_file.acquire("install", 0ms);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_THAT(error.what(), HasSubstr("cannot create " + (dir / "file" / "home").string()));
  }
}

}  // namespace
}  // namespace ollama_stack::util
