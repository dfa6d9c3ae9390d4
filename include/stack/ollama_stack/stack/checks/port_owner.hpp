#pragma once
// Who holds a TCP port on this host: the listening sockets from /proc/net/tcp and tcp6, their
// inodes matched against /proc/<pid>/fd links. The parser is a pure function over the text so it
// is tested without the real /proc; the lookups only see what this user may see.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ollama_stack::stack {

// One socket in the LISTEN state.
struct ListeningSocket {
  std::string address;  // "127.0.0.1", "0.0.0.0", "::", "::1"
  int port = 0;
  uint64_t inode = 0;
  bool operator==(const ListeningSocket&) const = default;
};

// The LISTEN entries of a /proc/net/tcp (ipv6 = false) or /proc/net/tcp6 (ipv6 = true) text.
// Malformed lines are skipped.
std::vector<ListeningSocket> parse_proc_net_tcp(std::string_view text, bool ipv6);

struct PortOwner {
  std::string address;  // where the socket listens
  int pid = 0;          // 0 = the socket is there but its process is not visible to us
  std::string comm;     // /proc/<pid>/comm
};

// "pid 1234 (python3) listening on 127.0.0.1", or "a process not visible to this user, listening
// on 0.0.0.0" when the pid is unknown.
std::string describe(const PortOwner& owner);

// The process listening on TCP `port` (any address), from the real /proc. nullopt when no
// listening socket on that port is visible (another network namespace, no /proc).
std::optional<PortOwner> find_port_owner(int port);

// Whether a TCP listener could bind host_ip:port right now ("" or "0.0.0.0" = every IPv4
// address, "::" = every address). Tries to bind and closes the socket at once. An address this
// host does not have is reported as free: the engine's own error says more than we could.
bool port_is_free(const std::string& host_ip, int port);

}  // namespace ollama_stack::stack
