#include "ollama_stack/util/byte_pipe.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>

namespace ollama_stack::util {
namespace {

std::string read_everything(BytePipe& pipe, size_t piece = 7) {
  std::string out;
  std::string buffer(piece, '\0');
  for (size_t got = pipe.read(buffer.data(), piece); got > 0; got = pipe.read(buffer.data(), piece))
    out.append(buffer, 0, got);
  return out;
}

TEST(BytePipe, CarriesEveryByteInOrderAcrossThreadsWithASmallCapacity) {
  BytePipe pipe(16);  // far less than what passes: the writer must wait for the reader
  std::string sent;
  for (int i = 0; i < 5000; ++i) sent += std::to_string(i) + ",";
  std::thread writer([&] {
    for (size_t pos = 0; pos < sent.size(); pos += 100)
      EXPECT_TRUE(pipe.write(std::string_view(sent).substr(pos, 100)));
    pipe.close_write();
  });
  EXPECT_EQ(read_everything(pipe), sent);
  writer.join();
}

TEST(BytePipe, TheWritersErrorReachesTheReaderAfterTheBytes) {
  BytePipe pipe;
  pipe.write("abc");
  pipe.close_write(std::make_exception_ptr(std::runtime_error("engine went away")));
  char buffer[8];
  ASSERT_EQ(pipe.read(buffer, sizeof buffer), 3u);
  EXPECT_THROW(pipe.read(buffer, sizeof buffer), std::runtime_error);
}

TEST(BytePipe, AReaderThatStopsReleasesABlockedWriter) {
  BytePipe pipe(4);
  ASSERT_TRUE(pipe.write("1234"));  // fills the pipe
  std::thread writer([&] {
    EXPECT_FALSE(pipe.write("5678"));  // blocks on the full pipe until the reader leaves
  });
  char buffer[2];
  ASSERT_EQ(pipe.read(buffer, 2), 2u);
  pipe.close_read();
  writer.join();
  EXPECT_FALSE(pipe.write("more"));
}

TEST(BytePipe, EndOfStreamIsZero) {
  BytePipe pipe;
  pipe.close_write();
  char buffer[4];
  EXPECT_EQ(pipe.read(buffer, sizeof buffer), 0u);
}

}  // namespace
}  // namespace ollama_stack::util
