#include "ollama_stack/util/atomic_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "ollama_stack/util/error.hpp"
#include "temp_dir.hpp"

namespace ollama_stack::util {
namespace {

using ollama_stack::testing::mode_of;
using ollama_stack::testing::slurp;
using ollama_stack::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(AtomicFile, WritesNewFileAndLeavesNoTempFile) {
  TempDir dir;
  write_file_atomic(dir / "a.txt", "hello\n");
  EXPECT_EQ(slurp(dir / "a.txt"), "hello\n");
  EXPECT_THAT(dir.entries(), ElementsAre("a.txt"));
  EXPECT_EQ(mode_of(dir / "a.txt"), 0644u);
}

TEST(AtomicFile, ReplacesExistingFileKeepingItsMode) {
  TempDir dir;
  write_file_atomic(dir / "a", "one", {.mode = 0600});
  EXPECT_EQ(mode_of(dir / "a"), 0600u);
  write_file_atomic(dir / "a", "two");
  EXPECT_EQ(slurp(dir / "a"), "two");
  EXPECT_EQ(mode_of(dir / "a"), 0600u);
  write_file_atomic(dir / "a", "three", {.mode = 0640});
  EXPECT_EQ(mode_of(dir / "a"), 0640u);
  EXPECT_THAT(dir.entries(), ElementsAre("a"));
}

TEST(AtomicFile, ModeIsNotNarrowedOrWidenedByTheUmask) {
  TempDir dir;
  mode_t old = ::umask(0077);
  write_file_atomic(dir / "a", "x", {.mode = 0644});
  ::umask(old);
  EXPECT_EQ(mode_of(dir / "a"), 0644u);
}

TEST(AtomicFile, FailureNamesThePathAndLeavesNothingBehind) {
  TempDir dir;
  try {
    write_file_atomic(dir / "missing" / "a", "x");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::failed);
    EXPECT_THAT(error.what(), HasSubstr((dir / "missing" / "a").string()));
    EXPECT_THAT(error.what(), HasSubstr("No such file or directory"));
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(AtomicFile, ReplacingADirectoryFailsAndCleansUp) {
  TempDir dir;
  std::filesystem::create_directory(dir / "d");
  std::filesystem::create_directory(dir / "d" / "x");
  EXPECT_THROW(write_file_atomic(dir / "d", "x"), Error);
  EXPECT_THAT(dir.entries(), ElementsAre("d"));
}

TEST(AtomicFile, ReaderNeverSeesAPartialFile) {
  TempDir dir;
  const auto path = dir / "big";
  const std::string a(256 * 1024, 'a');
  const std::string b(128 * 1024, 'b');
  write_file_atomic(path, a);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 60; ++i) write_file_atomic(path, i % 2 ? a : b);
    done = true;
  });
  int reads = 0;
  int torn = 0;
  while (!done) {
    std::string seen = read_file(path);
    if (seen != a && seen != b) ++torn;
    ++reads;
  }
  writer.join();
  EXPECT_EQ(torn, 0) << "of " << reads << " reads";
  EXPECT_THAT(dir.entries(), ElementsAre("big"));
}

TEST(ReadFile, ReturnsWholeContent) {
  TempDir dir;
  std::string binary("a\0b\nc", 5);
  write_file_atomic(dir / "f", binary);
  EXPECT_EQ(read_file(dir / "f"), binary);
}

TEST(ReadFile, MissingFileErrorNamesPathAndReason) {
  TempDir dir;
  EXPECT_EQ(read_file_if_exists(dir / "nope"), std::nullopt);
  try {
    read_file(dir / "nope");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot read " + (dir / "nope").string() + ": No such file or directory");
  }
}

TEST(ReadFile, DirectoryIsAnError) {
  TempDir dir;
  EXPECT_THROW(read_file_if_exists(dir.path()), Error);
}

}  // namespace
}  // namespace ollama_stack::util
