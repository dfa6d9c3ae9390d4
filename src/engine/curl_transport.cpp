#include "ollama_stack/engine/curl_transport.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>

#include "ollama_stack/engine/curl_easy.hpp"
#include "ollama_stack/engine/errors.hpp"

namespace ollama_stack::engine {
namespace {

struct Exchange {
  CURL* handle = nullptr;
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  bool stopped_by_reader = false;
  // An exception thrown by a callback of the caller: it must not unwind through libcurl's C frames,
  // so it is kept here and rethrown once curl_easy_perform has returned.
  std::exception_ptr callback_error;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.remove_suffix(1);
    exchange->response->headers[name] = std::string(value);
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  std::string_view bytes(data, size * count);
  long status = 0;
  curl_easy_getinfo(exchange->handle, CURLINFO_RESPONSE_CODE, &status);
  if (exchange->request->on_data && status >= 200 && status < 300) {
    bool keep_going = false;
    try {
      keep_going = exchange->request->on_data(bytes);
    } catch (...) {
      exchange->callback_error = std::current_exception();
      return 0;
    }
    if (!keep_going) {
      exchange->stopped_by_reader = true;
      return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
    }
  } else {
    exchange->response->body.append(bytes);
  }
  return bytes.size();
}

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  try {
    return exchange->request->body_reader(buffer, size * count);
  } catch (...) {
    exchange->callback_error = std::current_exception();
    return CURL_READFUNC_ABORT;
  }
}

}  // namespace

CurlTransport::CurlTransport(Endpoint endpoint) : endpoint_(std::move(endpoint)) {
  if (endpoint_.kind == Endpoint::Kind::ssh) {
    tunnel_ = std::make_unique<SshTunnel>(ssh_dial_command(endpoint_));
    socket_path_ = tunnel_->socket_path();
  } else if (endpoint_.kind == Endpoint::Kind::unix_socket) {
    socket_path_ = endpoint_.socket_path;
  }
}

CurlTransport::~CurlTransport() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* CurlTransport::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  auto handle = curl::new_handle();
  if (!handle) throw EngineError(EngineError::Kind::protocol, "could not initialise libcurl");
  return handle.release();
}

void CurlTransport::release(void* handle) {
  std::lock_guard lock(mutex_);
  idle_.push_back(handle);
}

void CurlTransport::throw_transport_error(int curl_code, const std::string& detail) const {
  using Kind = EngineError::Kind;
  auto code = static_cast<CURLcode>(curl_code);
  const std::string where = endpoint_.url();
  if (code == CURLE_OPERATION_TIMEDOUT) {
    throw EngineError(Kind::timeout, fmt::format("the Docker engine at {} did not answer in time", where),
                      "the engine may be overloaded or stuck; check `docker info` and the daemon's log");
  }
  if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
      code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR || code == CURLE_GOT_NOTHING) {
    if (tunnel_) {
      const auto said = tunnel_->last_error();
      throw EngineError(Kind::unreachable,
                        fmt::format("cannot reach the Docker engine at {} through ssh{}", where,
                                    said.empty() ? fmt::format(" ({})", detail) : ": ssh said \"" + said + "\""),
                        fmt::format("check that `{}` works without a password prompt (an ssh key or agent) and "
                                    "that the docker CLI is installed there",
                                    endpoint_.ssh_user.empty() ? "ssh " + endpoint_.host + " docker version"
                                                               : "ssh " + endpoint_.ssh_user + "@" + endpoint_.host +
                                                                     " docker version"));
    }
    if (endpoint_.kind == Endpoint::Kind::unix_socket) {
      struct stat info {};
      if (::stat(endpoint_.socket_path.c_str(), &info) != 0) {
        throw EngineError(Kind::unreachable,
                          fmt::format("cannot reach the Docker engine: {} does not exist", endpoint_.socket_path),
                          "start Docker (e.g. `sudo systemctl start docker`), or point --host / DOCKER_HOST at a running engine");
      }
      if (::access(endpoint_.socket_path.c_str(), R_OK | W_OK) != 0 && errno == EACCES) {
        throw EngineError(Kind::permission_denied,
                          fmt::format("permission denied on the Docker socket {}", endpoint_.socket_path),
                          "add your user to the docker group (`sudo usermod -aG docker $USER`) and log in again, or run as root");
      }
      throw EngineError(Kind::unreachable,
                        fmt::format("cannot reach the Docker engine at {}: nothing answers on the socket ({})",
                                    where, detail),
                        "start Docker (e.g. `sudo systemctl start docker`) and try again");
    }
    throw EngineError(Kind::unreachable,
                      fmt::format("cannot reach the Docker engine at {} ({})", where, detail),
                      "check that the engine listens there and that DOCKER_HOST / --host is right");
  }
  if (code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PEER_FAILED_VERIFICATION ||
      code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_CACERT_BADFILE) {
    throw EngineError(Kind::unreachable,
                      fmt::format("TLS handshake with the Docker engine at {} failed ({})", where, detail),
                      "check DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) and DOCKER_TLS_VERIFY");
  }
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    throw EngineError(Kind::cancelled, "the engine call was cancelled");
  }
  throw EngineError(Kind::protocol, fmt::format("talking to the Docker engine at {} failed: {}", where, detail));
}

HttpResponse CurlTransport::send(const HttpRequest& request) {
  auto* handle = static_cast<CURL*>(acquire());
  struct Releaser {
    CurlTransport* self;
    void* handle;
    ~Releaser() { self->release(handle); }
  } releaser{this, handle};
  curl_easy_reset(handle);

  HttpResponse response;
  Exchange exchange{handle, &request, &response};
  const std::string url = endpoint_.http_base() + request.path;
  curl::set_basics(handle, url, std::chrono::milliseconds(5000), request.timeout);
  if (!socket_path_.empty()) {
    curl_easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  } else if (endpoint_.tls) {
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, endpoint_.tls_verify ? 1L : 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, endpoint_.tls_verify ? 2L : 0L);
    if (!endpoint_.ca_file.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, endpoint_.ca_file.c_str());
    if (!endpoint_.cert_file.empty()) curl_easy_setopt(handle, CURLOPT_SSLCERT, endpoint_.cert_file.c_str());
    if (!endpoint_.key_file.empty()) curl_easy_setopt(handle, CURLOPT_SSLKEY, endpoint_.key_file.c_str());
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else if (request.body_reader) {
    // UPLOAD without a known size makes libcurl send the body chunked, read as it goes.
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(handle, CURLOPT_READDATA, &exchange);
  } else if (request.method != "GET") {
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
  }
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Expect:");
  if (request.body_reader) headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
  if (!request.content_type.empty())
    headers = curl_slist_append(headers, ("Content-Type: " + request.content_type).c_str());
  else if (request.method != "GET" && request.method != "HEAD")
    headers = curl_slist_append(headers, "Content-Type:");
  for (const auto& [name, value] : request.headers)
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &exchange);
  curl::set_cancel(handle, request.cancelled);
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);

  auto started = std::chrono::steady_clock::now();
  CURLcode code = curl_easy_perform(handle);
  curl_slist_free_all(headers);
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
  spdlog::debug("engine: {} {} -> {} ({:.1f} ms)", request.method, request.path,
                code == CURLE_OK ? std::to_string(status) : curl_easy_strerror(code), elapsed.count());

  if (exchange.callback_error) std::rethrow_exception(exchange.callback_error);
  if (code == CURLE_WRITE_ERROR && exchange.stopped_by_reader) return response;  // reader had enough
  if (code != CURLE_OK) {
    throw_transport_error(code, curl::reason(code, error_buffer));
  }
  return response;
}

}  // namespace ollama_stack::engine
