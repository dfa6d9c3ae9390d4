#pragma once
// A bounded byte channel between two threads. Some APIs push bytes (the engine's GET archive
// calls back with each piece) and others pull them (libarchive, the PUT archive upload); a pipe
// joins the two with flat memory: the writer blocks while `capacity` bytes wait unread.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <string_view>

namespace ollama_stack::util {

class BytePipe {
 public:
  explicit BytePipe(size_t capacity = size_t{4} << 20);
  BytePipe(const BytePipe&) = delete;
  BytePipe& operator=(const BytePipe&) = delete;

  // Blocks while the pipe is full. False when the reader has gone (stop producing).
  bool write(std::string_view bytes);
  // The end of the stream: the reader gets what is left, then 0. A non-null `error` is thrown
  // to the reader instead of the end.
  void close_write(std::exception_ptr error = nullptr);
  // Blocks until bytes arrive or the stream ends; returns how many were copied, 0 at the end.
  // Rethrows the writer's error.
  size_t read(char* buffer, size_t size);
  // The reader stops: a blocked or later write returns false.
  void close_read();

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  size_t offset_ = 0;    // consumed bytes of chunks_.front()
  size_t buffered_ = 0;  // unread bytes in chunks_
  bool write_closed_ = false;
  bool read_closed_ = false;
  std::exception_ptr error_;
};

}  // namespace ollama_stack::util
