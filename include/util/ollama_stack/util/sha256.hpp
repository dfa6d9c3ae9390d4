#pragma once
// Incremental SHA-256 (OpenSSL libcrypto): feed bytes as they stream past, read the hex digest
// once at the end. Used to checksum backups without holding them in memory.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ollama_stack::util {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  // Lowercase hex of the digest; the object cannot be fed afterwards.
  std::string hex_digest();
  // Bytes fed so far.
  uint64_t size() const { return size_; }

 private:
  struct Context;
  std::unique_ptr<Context> context_;
  uint64_t size_ = 0;
};

// SHA-256 of `bytes` as lowercase hex.
std::string sha256_hex_of(std::string_view bytes);

}  // namespace ollama_stack::util
