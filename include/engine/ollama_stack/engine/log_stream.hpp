#pragma once
// Pure decoding of the engine's log/attach streams: the 8-byte multiplexing frames used when a
// container has no TTY, raw bytes when it has one, and assembly of complete lines.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ollama_stack::engine {

enum class LogStream : uint8_t { stdin_ = 0, stdout_ = 1, stderr_ = 2 };

// Splits a byte stream into frames [stream, 0, 0, 0, size(uint32 BE)] + payload, across
// arbitrary chunk boundaries. In raw (TTY) mode every byte is stdout.
class LogDemuxer {
 public:
  using FrameHandler = std::function<void(LogStream, std::string_view)>;
  explicit LogDemuxer(bool raw) : raw_(raw) {}
  void feed(std::string_view bytes, const FrameHandler& on_frame);
  // Bytes of an incomplete frame still held.
  size_t pending() const { return buffer_.size(); }

 private:
  bool raw_;
  std::string buffer_;
};

// Turns frames into complete lines per stream (without the '\n'); flush() emits what is left.
class LineAssembler {
 public:
  using LineHandler = std::function<void(LogStream, std::string_view)>;
  void feed(LogStream stream, std::string_view payload, const LineHandler& on_line);
  void flush(const LineHandler& on_line);

 private:
  std::string out_, err_;
};

}  // namespace ollama_stack::engine
