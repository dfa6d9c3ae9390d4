#pragma once
// The libcurl handling every HTTP client of the binary shares: the engine transport here and
// stack/service_http (health probes, Ollama's API, Open WebUI checks). libcurl is initialised once
// before the first handle; every request sets the same basics (no signals, a connect timeout and
// a whole-request one), is cancelled the same way (its progress callback asks), and a failure is
// described the same way.
#include <curl/curl.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace ollama_stack::engine::curl {

struct HandleDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using Handle = std::unique_ptr<CURL, HandleDeleter>;

// A new easy handle (empty when libcurl cannot make one), libcurl initialised first.
Handle new_handle();

// URL, no signals (threads), the connect timeout, and the whole request's (0 = none: streams).
void set_basics(CURL* handle, const std::string& url, std::chrono::milliseconds connect_timeout,
                std::chrono::milliseconds timeout);

// While the transfer runs, `cancelled` (kept alive by the caller until it ends) is asked; true
// ends it with CURLE_ABORTED_BY_CALLBACK. Nothing when `cancelled` is empty.
void set_cancel(CURL* handle, const std::function<bool()>& cancelled);

// Why a transfer failed: libcurl's detail from `error_buffer` when it wrote one, else its name
// for `code`.
std::string reason(CURLcode code, const char* error_buffer = nullptr);

}  // namespace ollama_stack::engine::curl
