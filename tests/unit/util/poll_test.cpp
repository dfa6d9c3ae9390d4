#include "ollama_stack/util/poll.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::util {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(PollUntil, AsksUntilReadyBackingOff) {
  int asked = 0;
  const auto started = Clock::now();
  EXPECT_EQ(poll_until([&] { return ++asked == 4; }, Clock::now() + 10s, {}, {5ms, 20ms}),
            PollEnd::ready);
  EXPECT_EQ(asked, 4);
  EXPECT_GE(Clock::now() - started, 5ms + 10ms + 20ms);  // 5, 10, then capped at 20
}

TEST(PollUntil, StopsWhenCancelledBeforeAsking) {
  int asked = 0;
  EXPECT_EQ(poll_until([&] { return ++asked, false; }, Clock::now() + 10s,
                       [&] { return asked == 2; }, {1ms, 1ms}),
            PollEnd::cancelled);
  EXPECT_EQ(asked, 2);
}

TEST(PollUntil, TimesOutAfterAFalseAnswerPastTheDeadline) {
  int asked = 0;
  EXPECT_EQ(poll_until([&] { return ++asked, false; }, Clock::now() + 30ms, {}, {1ms, 5ms}),
            PollEnd::timed_out);
  EXPECT_GE(asked, 2);
  // A condition that holds is taken even when the deadline has passed already.
  EXPECT_EQ(poll_until([] { return true; }, Clock::now() - 1s, {}), PollEnd::ready);
}

TEST(WaitUntil, ThrowsInterruptedWhenCancelledAndPassesErrorsThrough) {
  EXPECT_THROW(wait_until([] { return false; }, Clock::now() + 10s, [] { return true; }),
               Interrupted);
  EXPECT_FALSE(
      wait_until([] { return false; }, Clock::now() + 5ms, [] { return false; }, {1ms, 1ms}));
  EXPECT_TRUE(wait_until([] { return true; }, Clock::now() + 5ms, {}));
  EXPECT_THROW(
      wait_until([]() -> bool { throw std::runtime_error("gone"); }, Clock::now() + 1s, {}),
      std::runtime_error);
}

}  // namespace
}  // namespace ollama_stack::util
