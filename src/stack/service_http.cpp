#include "ollama_stack/stack/service_http.hpp"

#include "ollama_stack/engine/curl_easy.hpp"

namespace ollama_stack::stack {
namespace {

struct Transfer {
  CURL* curl;
  const HttpRequestOptions* options;
  HttpResult* result;
};

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (transfer->options->on_data) {
    long status = 0;
    curl_easy_getinfo(transfer->curl, CURLINFO_RESPONSE_CODE, &status);
    if (!transfer->options->on_data(static_cast<int>(status), std::string_view(data, bytes))) {
      transfer->result->stopped = true;
      return 0;  // CURLE_WRITE_ERROR ends the transfer
    }
  } else {
    transfer->result->body.append(data, bytes);
  }
  return bytes;
}

}  // namespace

HttpResult http_request(const std::string& url, const HttpRequestOptions& options) {
  HttpResult result;
  const auto handle = engine::curl::new_handle();
  if (!handle) {
    result.error = "libcurl could not create a handle";
    return result;
  }
  CURL* curl = handle.get();
  Transfer transfer{curl, &options, &result};
  engine::curl::set_basics(curl, url, options.connect_timeout, options.timeout);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, options.method.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  engine::curl::set_cancel(curl, options.cancelled);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
  if (!options.body.empty()) {
    headers.reset(curl_slist_append(nullptr, "Content-Type: application/json"));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, options.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(options.body.size()));
  }
  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  result.status = static_cast<int>(status);
  result.cancelled = code == CURLE_ABORTED_BY_CALLBACK;
  if (code != CURLE_OK) result.error = engine::curl::reason(code);
  return result;
}

}  // namespace ollama_stack::stack
