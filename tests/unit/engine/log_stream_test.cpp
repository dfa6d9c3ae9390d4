#include "ollama_stack/engine/log_stream.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ollama_stack::engine {
namespace {

std::string frame(uint8_t stream, const std::string& payload) {
  std::string out{static_cast<char>(stream), 0, 0, 0};
  const auto size = static_cast<uint32_t>(payload.size());
  out += static_cast<char>(size >> 24);
  out += static_cast<char>((size >> 16) & 0xff);
  out += static_cast<char>((size >> 8) & 0xff);
  out += static_cast<char>(size & 0xff);
  return out + payload;
}

struct Collected {
  std::vector<std::pair<LogStream, std::string>> items;
  void operator()(LogStream stream, std::string_view text) { items.emplace_back(stream, std::string(text)); }
};

TEST(LogDemuxer, SplitsFramesAcrossArbitraryChunkBoundaries) {
  const std::string bytes = frame(1, "hello\n") + frame(2, "oops\n") + frame(1, "") + frame(1, "bye");
  for (size_t chunk = 1; chunk <= bytes.size(); ++chunk) {
    LogDemuxer demuxer(false);
    Collected frames;
    for (size_t at = 0; at < bytes.size(); at += chunk)
      demuxer.feed(std::string_view(bytes).substr(at, chunk), std::ref(frames));
    ASSERT_EQ(frames.items.size(), 4u) << "chunk " << chunk;
    EXPECT_EQ(frames.items[0], std::make_pair(LogStream::stdout_, std::string("hello\n")));
    EXPECT_EQ(frames.items[1], std::make_pair(LogStream::stderr_, std::string("oops\n")));
    EXPECT_EQ(frames.items[3].second, "bye");
    EXPECT_EQ(demuxer.pending(), 0u);
  }
}

TEST(LogDemuxer, KeepsAnIncompleteFrameUntilItsRestArrives) {
  LogDemuxer demuxer(false);
  Collected frames;
  const std::string bytes = frame(1, "0123456789");
  demuxer.feed(std::string_view(bytes).substr(0, 12), std::ref(frames));
  EXPECT_TRUE(frames.items.empty());
  EXPECT_EQ(demuxer.pending(), 12u);
  demuxer.feed(std::string_view(bytes).substr(12), std::ref(frames));
  ASSERT_EQ(frames.items.size(), 1u);
  EXPECT_EQ(frames.items[0].second, "0123456789");
}

TEST(LogDemuxer, RawModeIsAllStdout) {
  LogDemuxer demuxer(true);
  Collected frames;
  demuxer.feed(std::string("\x02\x00\x00\x00raw", 7), std::ref(frames));
  ASSERT_EQ(frames.items.size(), 1u);
  EXPECT_EQ(frames.items[0].first, LogStream::stdout_);
  EXPECT_EQ(frames.items[0].second.size(), 7u);
}

TEST(LineAssembler, JoinsPartialLinesPerStreamAndFlushesTheRest) {
  LineAssembler lines;
  Collected out;
  lines.feed(LogStream::stdout_, "par", std::ref(out));
  lines.feed(LogStream::stderr_, "err line\nerr tail", std::ref(out));
  lines.feed(LogStream::stdout_, "tial\nnext\n", std::ref(out));
  lines.flush(std::ref(out));
  ASSERT_EQ(out.items.size(), 4u);
  EXPECT_EQ(out.items[0], std::make_pair(LogStream::stderr_, std::string("err line")));
  EXPECT_EQ(out.items[1], std::make_pair(LogStream::stdout_, std::string("partial")));
  EXPECT_EQ(out.items[2], std::make_pair(LogStream::stdout_, std::string("next")));
  EXPECT_EQ(out.items[3], std::make_pair(LogStream::stderr_, std::string("err tail")));
}

}  // namespace
}  // namespace ollama_stack::engine
