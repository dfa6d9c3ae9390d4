#include "ollama_stack/util/byte_pipe.hpp"

#include <algorithm>
#include <cstring>

namespace ollama_stack::util {

BytePipe::BytePipe(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

bool BytePipe::write(std::string_view bytes) {
  while (!bytes.empty()) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return read_closed_ || buffered_ < capacity_; });
    if (read_closed_) return false;
    // A piece larger than the room left goes in parts, so memory stays bounded by capacity.
    const size_t part = std::min(bytes.size(), capacity_ - buffered_);
    chunks_.emplace_back(bytes.substr(0, part));
    buffered_ += part;
    bytes.remove_prefix(part);
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  return !read_closed_;
}

void BytePipe::close_write(std::exception_ptr error) {
  std::lock_guard lock(mutex_);
  write_closed_ = true;
  if (error && !error_) error_ = std::move(error);
  changed_.notify_all();
}

size_t BytePipe::read(char* buffer, size_t size) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return buffered_ > 0 || write_closed_; });
  if (buffered_ == 0) {
    if (error_) std::rethrow_exception(error_);
    return 0;
  }
  size_t copied = 0;
  while (copied < size && !chunks_.empty()) {
    const std::string& front = chunks_.front();
    const size_t n = std::min(size - copied, front.size() - offset_);
    std::memcpy(buffer + copied, front.data() + offset_, n);
    copied += n;
    offset_ += n;
    if (offset_ == front.size()) {
      chunks_.pop_front();
      offset_ = 0;
    }
  }
  buffered_ -= copied;
  changed_.notify_all();
  return copied;
}

void BytePipe::close_read() {
  std::lock_guard lock(mutex_);
  read_closed_ = true;
  chunks_.clear();
  offset_ = 0;
  buffered_ = 0;
  changed_.notify_all();
}

}  // namespace ollama_stack::util
