#include "ollama_stack/util/random_bytes.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::util {

std::string random_bytes(std::size_t count) {
  std::string bytes(count, '\0');
  std::size_t filled = 0;
  while (filled < count) {
    // Flags 0: blocks only until the kernel's pool is first initialised, never afterwards.
    ssize_t got = ::getrandom(bytes.data() + filled, count - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Error(ExitCode::failed,
                  std::string("cannot read random bytes from the kernel: ") + std::strerror(errno));
    }
    filled += static_cast<std::size_t>(got);
  }
  return bytes;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto byte = static_cast<unsigned char>(c);
    hex += digits[byte >> 4];
    hex += digits[byte & 0x0f];
  }
  return hex;
}

}  // namespace ollama_stack::util
