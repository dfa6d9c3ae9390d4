#include "ollama_stack/engine/log_stream.hpp"

namespace ollama_stack::engine {

void LogDemuxer::feed(std::string_view bytes, const FrameHandler& on_frame) {
  if (raw_) {
    if (!bytes.empty()) on_frame(LogStream::stdout_, bytes);
    return;
  }
  buffer_.append(bytes);
  size_t offset = 0;
  constexpr size_t kHeader = 8;
  while (buffer_.size() - offset >= kHeader) {
    const auto* header = reinterpret_cast<const unsigned char*>(buffer_.data() + offset);
    const uint32_t size = (uint32_t{header[4]} << 24) | (uint32_t{header[5]} << 16) |
                          (uint32_t{header[6]} << 8) | uint32_t{header[7]};
    if (buffer_.size() - offset - kHeader < size) break;
    auto stream = header[0] == 2 ? LogStream::stderr_ : header[0] == 0 ? LogStream::stdin_ : LogStream::stdout_;
    on_frame(stream, std::string_view(buffer_).substr(offset + kHeader, size));
    offset += kHeader + size;
  }
  buffer_.erase(0, offset);
}

void LineAssembler::feed(LogStream stream, std::string_view payload, const LineHandler& on_line) {
  std::string& pending = stream == LogStream::stderr_ ? err_ : out_;
  size_t start = 0;
  while (true) {
    auto newline = payload.find('\n', start);
    if (newline == std::string_view::npos) break;
    auto piece = payload.substr(start, newline - start);
    if (!pending.empty()) {
      pending.append(piece);
      on_line(stream, pending);
      pending.clear();
    } else {
      on_line(stream, piece);
    }
    start = newline + 1;
  }
  pending.append(payload.substr(start));
}

void LineAssembler::flush(const LineHandler& on_line) {
  if (!out_.empty()) on_line(LogStream::stdout_, out_);
  if (!err_.empty()) on_line(LogStream::stderr_, err_);
  out_.clear();
  err_.clear();
}

}  // namespace ollama_stack::engine
