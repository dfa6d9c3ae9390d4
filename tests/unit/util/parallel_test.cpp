#include "ollama_stack/util/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::util {
namespace {

TEST(ParallelForEach, RunsEveryTaskAtTheSameTime) {
  // Each task waits until all have started: this finishes only when they run concurrently.
  constexpr size_t kTasks = 6;
  std::mutex mutex;
  std::condition_variable all_started;
  size_t started = 0;
  parallel_for_each(kTasks, [&](size_t) {
    std::unique_lock lock(mutex);
    ++started;
    all_started.notify_all();
    ASSERT_TRUE(
        all_started.wait_for(lock, std::chrono::seconds(10), [&] { return started == kTasks; }));
  });
  EXPECT_EQ(started, kTasks);
}

TEST(ParallelForEach, OneTasksExceptionReachesTheCallerAfterEveryTaskFinished) {
  std::atomic<int> finished{0};
  try {
    parallel_for_each(4, [&](size_t index) {
      if (index == 2) throw Error(ExitCode::unhealthy, "task 2 failed");
      ++finished;
    });
    FAIL() << "the exception was lost";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::unhealthy) << "rethrown as it was";
    EXPECT_STREQ(error.what(), "task 2 failed");
  }
  EXPECT_EQ(finished.load(), 3);
}

TEST(ParallelForEach, AnythingThrownIsCarriedNotTheEndOfTheProcess) {
  EXPECT_THROW(parallel_for_each(3,
                                 [](size_t index) {
                                   if (index == 1) throw 42;  // not even a std::exception
                                 }),
               int);
  std::vector<std::string> items{"a", "long enough"};
  EXPECT_THROW(
      parallel_for_each(items, [](const std::string& item) { (void)std::string(item).at(5); }),
      std::out_of_range);
}

TEST(ParallelForEach, SeveralFailuresBecomeOneErrorNamingEach) {
  try {
    parallel_for_each(3, [](size_t index) {
      if (index == 0) throw Error(ExitCode::engine_unreachable, "first");
      if (index == 2) throw std::runtime_error("third");
    });
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::engine_unreachable);
    EXPECT_STREQ(error.what(), "2 tasks failed: first; third");
  }
  EXPECT_THROW(parallel_for_each(2,
                                 [](size_t index) {
                                   if (index == 0) throw std::runtime_error("broken");
                                   throw Interrupted();
                                 }),
               Interrupted);
}

}  // namespace
}  // namespace ollama_stack::util
