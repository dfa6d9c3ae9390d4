#pragma once
// HTTP to the stack's services (health probes, the Ollama API) — never to Docker, which only the
// engine layer speaks to. One libcurl easy handle per request; no proxy, since the services are
// local or named by the user.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace ollama_stack::stack {

struct HttpRequestOptions {
  std::string method = "GET";
  std::string body;                               // sent as application/json when not empty
  std::chrono::milliseconds timeout{30000};       // whole request; 0 = none (streams)
  std::chrono::milliseconds connect_timeout{5000};
  // Streaming: called with the HTTP status and each piece of the body as it arrives; return
  // false to stop. When not set, the body is collected in HttpResult::body.
  std::function<bool(int status, std::string_view bytes)> on_data;
  std::function<bool()> cancelled;  // polled while waiting; true stops the request
};

struct HttpResult {
  int status = 0;         // 0: no HTTP answer arrived (see error)
  std::string body;       // without on_data
  std::string error;      // libcurl's reason when the request did not complete
  bool cancelled = false; // stopped because `cancelled` said so
  bool stopped = false;   // stopped because on_data returned false
};

HttpResult http_request(const std::string& url, const HttpRequestOptions& options);

}  // namespace ollama_stack::stack
