#include "ollama_stack/engine/curl_easy.hpp"

#include <mutex>

namespace ollama_stack::engine::curl {
namespace {

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancelled = static_cast<const std::function<bool()>*>(user);
  return (*cancelled)() ? 1 : 0;
}

}  // namespace

Handle new_handle() {
  // curl_global_init is not thread-safe and curl_easy_init would call it on its own: once, first.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return Handle(curl_easy_init());
}

void set_basics(CURL* handle, const std::string& url, std::chrono::milliseconds connect_timeout,
                std::chrono::milliseconds timeout) {
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
  if (timeout.count() > 0)
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
}

void set_cancel(CURL* handle, const std::function<bool()>& cancelled) {
  if (!cancelled) return;
  curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &cancelled);
}

std::string reason(CURLcode code, const char* error_buffer) {
  if (error_buffer != nullptr && error_buffer[0] != '\0') return error_buffer;
  return curl_easy_strerror(code);
}

}  // namespace ollama_stack::engine::curl
