#include "ollama_stack/stack/logs.hpp"

#include <gtest/gtest.h>

namespace ollama_stack::stack {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

const system_clock::time_point kNow{seconds(1704207845)};  // 2024-01-02T15:04:05Z

ExitCode code_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& error) {
    return error.code();
  }
  return ExitCode::ok;
}

TEST(LogTimeArgument, AcceptsRfc3339WithFractionAndOffset) {
  EXPECT_DOUBLE_EQ(parse_time_argument("2024-01-02T15:04:05Z", "--since", kNow), 1704207845.0);
  EXPECT_DOUBLE_EQ(parse_time_argument("2024-01-02T15:04:05.5Z", "--since", kNow), 1704207845.5);
  EXPECT_DOUBLE_EQ(parse_time_argument("2024-01-02T16:04:05+01:00", "--since", kNow), 1704207845.0);
}

TEST(LogTimeArgument, AcceptsUnixSeconds) {
  EXPECT_DOUBLE_EQ(parse_time_argument("1704207845", "--since", kNow), 1704207845.0);
  EXPECT_DOUBLE_EQ(parse_time_argument("1704207845.25", "--until", kNow), 1704207845.25);
  EXPECT_DOUBLE_EQ(parse_time_argument("0", "--since", kNow), 0.0);
}

TEST(LogTimeArgument, AcceptsDurationsAgo) {
  EXPECT_DOUBLE_EQ(parse_time_argument("42s", "--since", kNow), 1704207845.0 - 42);
  EXPECT_DOUBLE_EQ(parse_time_argument("10m", "--since", kNow), 1704207845.0 - 600);
  EXPECT_DOUBLE_EQ(parse_time_argument("1h30m", "--since", kNow), 1704207845.0 - 5400);
  EXPECT_DOUBLE_EQ(parse_time_argument("1.5h", "--since", kNow), 1704207845.0 - 5400);
  EXPECT_DOUBLE_EQ(parse_time_argument("2m500ms", "--since", kNow), 1704207845.0 - 120.5);
}

TEST(LogTimeArgument, RejectsOtherTextWithAUsageErrorSayingWhatIsExpected) {
  for (const char* bad : {"", "yesterday", "10x", "1h30", "h", "-5m", "1.s", "2024-01-02",
                          "2024-13-02T00:00:00Z", "1704207845.", "10m ago"}) {
    try {
      parse_time_argument(bad, "--since", kNow);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ExitCode::usage) << bad;
      const std::string message = error.what();
      EXPECT_NE(message.find("--since"), std::string::npos) << message;
      EXPECT_NE(message.find("RFC 3339"), std::string::npos) << message;
      EXPECT_NE(message.find("Unix seconds"), std::string::npos) << message;
      EXPECT_NE(message.find("10m"), std::string::npos) << message;
    }
  }
}

TEST(LogTailArgument, AcceptsAllOrACount) {
  EXPECT_EQ(parse_tail_argument("all"), "all");
  EXPECT_EQ(parse_tail_argument("5"), "5");
  EXPECT_EQ(parse_tail_argument("0"), "0");
  EXPECT_EQ(code_of([] { parse_tail_argument("-1"); }), ExitCode::usage);
  EXPECT_EQ(code_of([] { parse_tail_argument("five"); }), ExitCode::usage);
  EXPECT_EQ(code_of([] { parse_tail_argument(""); }), ExitCode::usage);
  EXPECT_EQ(code_of([] { parse_tail_argument("5x"); }), ExitCode::usage);
}

TEST(LogTimestamp, ParsesNanosecondsWithShortAndFullFractions) {
  EXPECT_EQ(parse_rfc3339_nanos("2024-01-02T15:04:05Z"), 1704207845000000000);
  EXPECT_EQ(parse_rfc3339_nanos("2024-01-02T15:04:05.1Z"), 1704207845100000000);
  EXPECT_EQ(parse_rfc3339_nanos("2024-01-02T15:04:05.123456789Z"), 1704207845123456789);
  EXPECT_EQ(parse_rfc3339_nanos("2024-01-02T15:04:05.1234567891Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339_nanos("not a time"), std::nullopt);
}

TEST(LogTimestamp, SplitsTheEngineTimestampFromTheText) {
  auto split = split_timestamp("2024-01-02T15:04:05.123456789Z hello world");
  EXPECT_EQ(split.time, "2024-01-02T15:04:05.123456789Z");
  EXPECT_EQ(split.time_ns, 1704207845123456789);
  EXPECT_EQ(split.text, "hello world");

  auto empty = split_timestamp("2024-01-02T15:04:05Z ");
  EXPECT_EQ(empty.time, "2024-01-02T15:04:05Z");
  EXPECT_EQ(empty.text, "");

  auto tty = split_timestamp("2024-01-02T15:04:05Z from a tty\r");
  EXPECT_EQ(tty.text, "from a tty");

  auto none = split_timestamp("no timestamp here");
  EXPECT_EQ(none.time, "");
  EXPECT_EQ(none.time_ns, std::nullopt);
  EXPECT_EQ(none.text, "no timestamp here");

  auto leading_space = split_timestamp(" indented");
  EXPECT_EQ(leading_space.time, "");
  EXPECT_EQ(leading_space.text, " indented");
}

LogLine line(const std::string& service, std::optional<int64_t> ns, const std::string& text) {
  return LogLine{service, service + "-1", engine::LogStream::stdout_, ns ? "t" : "", ns, text};
}

std::vector<std::string> texts(const std::vector<LogLine>& lines) {
  std::vector<std::string> result;
  for (const auto& l : lines) result.push_back(l.text);
  return result;
}

TEST(LogMerge, OrdersLinesOfSeveralServicesByTime) {
  auto merged = merge_log_lines({{line("a", 10, "a1"), line("a", 30, "a2"), line("a", 50, "a3")},
                                 {line("b", 20, "b1"), line("b", 40, "b2")},
                                 {}});
  EXPECT_EQ(texts(merged), (std::vector<std::string>{"a1", "b1", "a2", "b2", "a3"}));
  EXPECT_EQ(merged[1].service, "b");
}

TEST(LogMerge, EqualTimestampsKeepListOrderThenLineOrder) {
  auto merged = merge_log_lines(
      {{line("a", 10, "a1"), line("a", 10, "a2")}, {line("b", 10, "b1"), line("b", 5, "b0")}});
  EXPECT_EQ(texts(merged), (std::vector<std::string>{"a1", "a2", "b1", "b0"}));
}

TEST(LogMerge, EachContainersOwnOrderIsKeptAndLinesWithoutATimeFollowTheirPredecessor) {
  // Streaming: a line is placed once every other container has shown a later one, so a
  // container's own lines stay in the order it wrote them.
  auto merged = merge_log_lines(
      {{line("a", 30, "a30"), line("a", std::nullopt, "a30-cont"), line("a", 10, "a10")},
       {line("b", std::nullopt, "b-first"), line("b", 20, "b20")}});
  EXPECT_EQ(texts(merged), (std::vector<std::string>{"b-first", "b20", "a30", "a30-cont", "a10"}));
}

TEST(LogMerge, PlacesALineOnlyWhenEveryUnfinishedContainerHasOneWaiting) {
  LogMerge merge(2);
  merge.push(0, line("a", 10, "a10"));
  EXPECT_FALSE(merge.pop()) << "b may still send something earlier";
  merge.push(1, line("b", 20, "b20"));
  EXPECT_EQ(merge.pop()->text, "a10");
  EXPECT_FALSE(merge.pop());
  merge.finish(0);
  EXPECT_EQ(merge.pop()->text, "b20");
  EXPECT_FALSE(merge.done());
  merge.finish(1);
  EXPECT_FALSE(merge.pop());
  EXPECT_TRUE(merge.done());
}

LogTarget target(const std::string& service) {
  return {service, "id-" + service, "p-" + service + "-1", false};
}

TEST(LogTargets, UnknownServiceIsAUsageErrorListingTheValidOnes) {
  const std::vector<LogTarget> targets{target("ollama"), target("webui")};
  try {
    select_log_targets(targets, {"ollama", "webui", "mcp_proxy"}, {"nosuch"}, "p");
    FAIL() << "accepted an unknown service";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::usage);
    EXPECT_STREQ(error.what(),
                 "unknown service \"nosuch\"; the stack's services are: mcp_proxy, ollama, webui");
  }
}

TEST(LogTargets, SelectsAllOrTheRequestedInOrderAndSaysWhenNothingRuns) {
  const std::vector<LogTarget> targets{target("ollama"), target("webui")};
  EXPECT_EQ(select_log_targets(targets, {}, {}, "p").size(), 2u);
  auto chosen = select_log_targets(targets, {}, {"webui", "ollama", "webui"}, "p");
  ASSERT_EQ(chosen.size(), 2u);
  EXPECT_EQ(chosen[0].service, "webui");
  EXPECT_EQ(chosen[1].service, "ollama");

  try {
    select_log_targets({}, {"ollama", "webui"}, {}, "p");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::failed);
    EXPECT_NE(error.hint().find("ollama-stack start"), std::string::npos);
  }
  EXPECT_EQ(code_of([&] { select_log_targets(targets, {"mcp_proxy"}, {"mcp_proxy"}, "p"); }),
            ExitCode::failed);
}

}  // namespace
}  // namespace ollama_stack::stack
