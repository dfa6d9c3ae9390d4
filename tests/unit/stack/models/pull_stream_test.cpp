#include "ollama_stack/stack/models/pull_stream.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ollama_stack::stack {
namespace {

using ::testing::HasSubstr;

const std::string kLayer = "sha256:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b";

TEST(PullStream, ParsesAStatusLine) {
  auto event = parse_pull_line(R"({"status":"pulling manifest"})");
  EXPECT_EQ(event.status, "pulling manifest");
  EXPECT_EQ(event.digest, "");
  EXPECT_FALSE(event.total.has_value());
  EXPECT_FALSE(event.completed.has_value());
  EXPECT_EQ(event.error, "");
}

TEST(PullStream, ParsesALayerLineWithBytes) {
  auto event = parse_pull_line(R"({"status":"pulling 1a2b3c4d5e6f","digest":")" + kLayer +
                               R"(","total":2019393189,"completed":241970})");
  EXPECT_EQ(event.status, "pulling 1a2b3c4d5e6f");
  EXPECT_EQ(event.digest, kLayer);
  EXPECT_EQ(event.total, 2019393189);
  EXPECT_EQ(event.completed, 241970);
}

TEST(PullStream, MissingCompletedAndTotalStayUnknown) {
  auto no_completed = parse_pull_line(R"({"status":"pulling 1a2b","digest":"sha256:1a2b","total":100})");
  EXPECT_EQ(no_completed.total, 100);
  EXPECT_FALSE(no_completed.completed.has_value());
  auto neither = parse_pull_line(R"({"status":"pulling 1a2b","digest":"sha256:1a2b"})");
  EXPECT_FALSE(neither.total.has_value());
  EXPECT_FALSE(neither.completed.has_value());
}

TEST(PullStream, AnErrorEventCarriesTheServersMessage) {
  auto event = parse_pull_line(R"({"error":"pull model manifest: file does not exist"})");
  EXPECT_EQ(event.error, "pull model manifest: file does not exist");
  EXPECT_EQ(event.status, "");
}

TEST(PullStream, ANonJsonLineBecomesAnError) {
  auto event = parse_pull_line("<html>502 Bad Gateway</html>");
  EXPECT_THAT(event.error, HasSubstr("unexpected answer from Ollama"));
  EXPECT_THAT(event.error, HasSubstr("502 Bad Gateway"));
  EXPECT_THAT(parse_pull_line("[1,2]").error, HasSubstr("unexpected answer"));
}

TEST(PullStream, WrongTypesAreIgnoredNotFatal) {
  auto event = parse_pull_line(R"({"status":7,"total":"big","completed":-5,"digest":null})");
  EXPECT_EQ(event.status, "");
  EXPECT_FALSE(event.total.has_value());
  EXPECT_EQ(event.completed, 0);
  EXPECT_EQ(event.error, "");
}

TEST(PullStreamParser, SplitsLinesThatArriveWhole) {
  PullStreamParser parser;
  auto events = parser.feed("{\"status\":\"pulling manifest\"}\n{\"status\":\"success\"}\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].status, "pulling manifest");
  EXPECT_EQ(events[1].status, "success");
  EXPECT_TRUE(parser.finish().empty());
}

TEST(PullStreamParser, KeepsAPartialLineUntilItsNewlineArrives) {
  PullStreamParser parser;
  EXPECT_TRUE(parser.feed("{\"status\":\"pull").empty());
  EXPECT_TRUE(parser.feed("ing manifest\"").empty());
  auto events = parser.feed("}\n{\"status\":\"pulling 1a\",\"total\":10");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].status, "pulling manifest");
  events = parser.feed(",\"completed\":5}\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].total, 10);
  EXPECT_EQ(events[0].completed, 5);
}

TEST(PullStreamParser, ByteByByteGivesTheSameEvents) {
  const std::string stream = "{\"status\":\"pulling manifest\"}\r\n\n{\"status\":\"pulling ab\",\"digest\":\"sha256:ab\","
                             "\"total\":4,\"completed\":4}\n{\"status\":\"caf\xc3\xa9\"}\n{\"status\":\"success\"}\n";
  PullStreamParser parser;
  std::vector<PullEvent> events;
  for (char c : stream)
    for (auto& event : parser.feed(std::string_view(&c, 1))) events.push_back(std::move(event));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].status, "pulling manifest");
  EXPECT_EQ(events[1].completed, 4);
  EXPECT_EQ(events[2].status, "caf\xc3\xa9") << "a multi-byte character split across pieces survives";
  EXPECT_EQ(events[3].status, "success");
}

TEST(PullStreamParser, FinishParsesALastLineWithoutNewline) {
  PullStreamParser parser;
  EXPECT_TRUE(parser.feed("{\"error\":\"connection reset\"}").empty());
  auto events = parser.finish();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].error, "connection reset");
  EXPECT_TRUE(parser.finish().empty()) << "finish empties the buffer";
}

TEST(PullStreamParser, BlankLinesAreSkipped) {
  PullStreamParser parser;
  EXPECT_TRUE(parser.feed("\n\r\n  \n").empty());
  EXPECT_TRUE(parser.finish().empty());
}

TEST(PullTracker, FollowsLayersAndKeepsBytesWhenFieldsAreMissing) {
  PullTracker tracker;
  tracker.apply(parse_pull_line(R"({"status":"pulling manifest"})"));
  tracker.apply(parse_pull_line(R"({"status":"pulling aa","digest":"sha256:aa","total":100})"));
  ASSERT_NE(tracker.layer("sha256:aa"), nullptr);
  EXPECT_EQ(tracker.layer("sha256:aa")->completed, 0) << "Ollama omits a zero completed";
  tracker.apply(parse_pull_line(R"({"status":"pulling aa","digest":"sha256:aa","total":100,"completed":60})"));
  tracker.apply(parse_pull_line(R"({"status":"pulling aa","digest":"sha256:aa"})"));
  EXPECT_EQ(tracker.layer("sha256:aa")->total, 100) << "a missing total keeps the last one";
  EXPECT_EQ(tracker.layer("sha256:aa")->completed, 60) << "a missing completed keeps the last one";
  EXPECT_FALSE(tracker.layer("sha256:aa")->done());
  tracker.apply(parse_pull_line(R"({"status":"pulling bb","digest":"sha256:bb","total":50,"completed":50})"));
  EXPECT_TRUE(tracker.layer("sha256:bb")->done());
  EXPECT_EQ(tracker.layers().size(), 2u);
  EXPECT_EQ(tracker.total_bytes(), 150);
  EXPECT_EQ(tracker.completed_bytes(), 110);
  EXPECT_EQ(tracker.last_status(), "pulling bb");
  EXPECT_FALSE(tracker.succeeded());
  tracker.apply(parse_pull_line(R"({"status":"success"})"));
  EXPECT_TRUE(tracker.succeeded());
  EXPECT_EQ(tracker.error(), "");
}

TEST(PullTracker, ALayerWithoutTotalIsNeverDone) {
  PullTracker tracker;
  tracker.apply(parse_pull_line(R"({"status":"pulling cc","digest":"sha256:cc","completed":10})"));
  EXPECT_FALSE(tracker.layer("sha256:cc")->done());
  EXPECT_EQ(tracker.total_bytes(), 0);
}

TEST(PullTracker, RecordsTheError) {
  PullTracker tracker;
  tracker.apply(parse_pull_line(R"({"status":"pulling manifest"})"));
  tracker.apply(parse_pull_line(R"({"error":"pull model manifest: file does not exist"})"));
  EXPECT_EQ(tracker.error(), "pull model manifest: file does not exist");
  EXPECT_EQ(tracker.last_status(), "pulling manifest");
  EXPECT_FALSE(tracker.succeeded());
}

TEST(PullStream, ShortDigest) {
  EXPECT_EQ(short_digest(kLayer), "1a2b3c4d5e6f");
  EXPECT_EQ(short_digest("abc"), "abc");
}

}  // namespace
}  // namespace ollama_stack::stack
