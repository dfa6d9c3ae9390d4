#pragma once
// The seam between the engine client and the wire. The real transport speaks HTTP/1.1 over
// libcurl; unit tests substitute a fake.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace ollama_stack::engine {

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // with query string, e.g. "/v1.41/containers/json?all=1"
  std::string body;
  std::string content_type;  // set when body is non-empty
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds timeout{30000};  // 0 = none (streams)
  // Streaming: when set, 2xx body bytes are handed over as they arrive instead of collected.
  // Return false to stop the transfer early; send() then returns normally.
  std::function<bool(std::string_view)> on_data;
  // Streaming upload: when set, the body is read from here instead of `body` (sent chunked, so
  // its size need not be known). Fills up to `size` bytes at `buffer` and returns how many; 0
  // ends the body. An exception thrown here (or in on_data) aborts the call and is rethrown by
  // send().
  std::function<size_t(char* buffer, size_t size)> body_reader;
  // Polled while waiting; return true to abort the call (EngineError::cancelled).
  std::function<bool()> cancelled;
};

struct HttpResponse {
  int status = 0;
  std::string body;  // empty when streamed
  std::map<std::string, std::string> headers;  // names lowercased
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Throws EngineError for transport failures (unreachable, permission, timeout, cancelled);
  // HTTP error statuses are returned, not thrown.
  virtual HttpResponse send(const HttpRequest& request) = 0;
  // Describes where requests go, for messages: "unix:///var/run/docker.sock".
  virtual std::string describe() const = 0;
};

}  // namespace ollama_stack::engine
