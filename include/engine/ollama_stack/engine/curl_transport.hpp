#pragma once
// HTTP/1.1 to the engine over libcurl: Unix socket, TCP(+TLS), or ssh through an SshTunnel. Keeps a pool of easy handles so
// connections are reused across calls and several threads can call at once.
#include <memory>
#include <mutex>
#include <vector>

#include "ollama_stack/engine/endpoint.hpp"
#include "ollama_stack/engine/ssh_tunnel.hpp"
#include "ollama_stack/engine/transport.hpp"

namespace ollama_stack::engine {

class CurlTransport : public Transport {
 public:
  explicit CurlTransport(Endpoint endpoint);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  HttpResponse send(const HttpRequest& request) override;
  std::string describe() const override { return endpoint_.url(); }
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  void* acquire();
  void release(void* handle);
  [[noreturn]] void throw_transport_error(int curl_code, const std::string& detail) const;

  Endpoint endpoint_;
  std::unique_ptr<SshTunnel> tunnel_;  // ssh:// only
  std::string socket_path_;            // the Unix socket curl connects to ("" for tcp)
  std::mutex mutex_;
  std::vector<void*> idle_;  // CURL* handles not in use
};

}  // namespace ollama_stack::engine
