#include "ollama_stack/cli/models.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ollama_stack::cli {
namespace {

using ::testing::HasSubstr;

stack::PullOutcome outcome(const std::string& name, bool ok, const std::string& error = "", bool interrupted = false) {
  stack::PullOutcome result;
  result.name = name;
  result.ok = ok;
  result.error = error;
  result.interrupted = interrupted;
  result.hint = ok ? "" : "check the model's name";
  result.layers.resize(ok ? 4 : 0);
  result.bytes = ok ? 6144 : 0;
  result.duration = std::chrono::milliseconds(1500);
  return result;
}

TEST(ModelsCli, PullOutcomeJson) {
  auto ok = pull_outcome_json(outcome("tiny", true));
  EXPECT_EQ(ok["name"], "tiny");
  EXPECT_EQ(ok["status"], "success");
  EXPECT_TRUE(ok["error"].is_null());
  EXPECT_EQ(ok["layers"], 4);
  EXPECT_EQ(ok["bytes"], 6144);
  EXPECT_DOUBLE_EQ(ok["duration_seconds"].get<double>(), 1.5);
  auto failed = pull_outcome_json(outcome("nosuch", false, "cannot pull nosuch: file does not exist"));
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["error"], "cannot pull nosuch: file does not exist");
  EXPECT_EQ(pull_outcome_json(outcome("big", false, "interrupted", true))["status"], "interrupted");
}

TEST(ModelsCli, NoFailureRaisesNothing) {
  EXPECT_NO_THROW(raise_pull_failures({outcome("a", true), outcome("b", true)}));
  EXPECT_NO_THROW(raise_pull_failures({}));
}

TEST(ModelsCli, OneFailureIsItsOwnSentenceWithThePrefix) {
  try {
    raise_pull_failures({outcome("a", true), outcome("nosuch", false, "cannot pull nosuch: gone")},
                        "the stack is running, but ");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::failed);
    EXPECT_STREQ(error.what(), "the stack is running, but cannot pull nosuch: gone");
    EXPECT_EQ(error.hint(), "check the model's name");
  }
}

TEST(ModelsCli, SeveralFailuresAreCountedAndEachNamed) {
  try {
    raise_pull_failures({outcome("x", false, "cannot pull x: gone"), outcome("a", true),
                         outcome("y", false, "cannot pull y: gone")});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_THAT(error.what(), HasSubstr("2 of 3 models could not be pulled"));
    EXPECT_THAT(error.what(), HasSubstr("cannot pull x: gone; cannot pull y: gone"));
  }
}

TEST(ModelsCli, AnInterruptionWins) {
  EXPECT_THROW(raise_pull_failures({outcome("x", false, "cannot pull x: gone"), outcome("big", false, "interrupted", true)}),
               Interrupted);
}

}  // namespace
}  // namespace ollama_stack::cli
