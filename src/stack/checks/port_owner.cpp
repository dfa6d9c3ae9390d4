#include "ollama_stack/stack/checks/port_owner.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ollama_stack::stack {
namespace {

constexpr std::string_view kListenState = "0A";

template <typename T>
std::optional<T> parse_hex(std::string_view text) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The kernel prints each 32-bit word of the address as a native-endian integer: copying the
// parsed integer back to memory restores the address bytes in network order on any host.
std::optional<std::string> decode_address(std::string_view hex, bool ipv6) {
  const std::size_t words = ipv6 ? 4 : 1;
  if (hex.size() != words * 8) return std::nullopt;
  std::array<unsigned char, 16> bytes{};
  for (std::size_t i = 0; i < words; ++i) {
    auto word = parse_hex<uint32_t>(hex.substr(i * 8, 8));
    if (!word) return std::nullopt;
    std::memcpy(bytes.data() + i * 4, &*word, 4);
  }
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (::inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes.data(), text.data(), text.size()) == nullptr)
    return std::nullopt;
  return std::string(text.data());
}

std::optional<ListeningSocket> parse_line(const std::string& line, bool ipv6) {
  std::istringstream fields(line);
  std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
  if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode))
    return std::nullopt;
  if (state != kListenState) return std::nullopt;
  auto colon = local.find(':');
  if (colon == std::string::npos) return std::nullopt;
  auto address = decode_address(std::string_view(local).substr(0, colon), ipv6);
  auto port = parse_hex<int>(std::string_view(local).substr(colon + 1));
  uint64_t inode_number = 0;
  auto [end, error] = std::from_chars(inode.data(), inode.data() + inode.size(), inode_number);
  if (!address || !port || error != std::errc() || end != inode.data() + inode.size()) return std::nullopt;
  return ListeningSocket{*address, *port, inode_number};
}

std::string read_proc_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The pid whose fd table holds socket `inode`, scanning the /proc entries we may read.
std::optional<int> pid_of_socket(uint64_t inode) {
  const std::string target = fmt::format("socket:[{}]", inode);
  std::error_code error;
  for (const auto& process : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = process.path().filename().string();
    int pid = 0;
    auto [end, parse_error] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (parse_error != std::errc() || end != name.data() + name.size()) continue;
    std::error_code fd_error;
    for (const auto& fd : std::filesystem::directory_iterator(process.path() / "fd", fd_error)) {
      std::error_code link_error;
      auto link = std::filesystem::read_symlink(fd.path(), link_error);
      if (!link_error && link.string() == target) return pid;
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<ListeningSocket> parse_proc_net_tcp(std::string_view text, bool ipv6) {
  std::vector<ListeningSocket> sockets;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    if (auto socket = parse_line(line, ipv6)) sockets.push_back(std::move(*socket));
  }
  return sockets;
}

std::string describe(const PortOwner& owner) {
  if (owner.pid == 0) return fmt::format("a process not visible to this user, listening on {}", owner.address);
  return fmt::format("pid {} ({}) listening on {}", owner.pid, owner.comm.empty() ? "?" : owner.comm,
                     owner.address);
}

std::optional<PortOwner> find_port_owner(int port) {
  std::vector<ListeningSocket> matches;
  for (bool ipv6 : {false, true}) {
    for (auto& socket : parse_proc_net_tcp(read_proc_text(ipv6 ? "/proc/net/tcp6" : "/proc/net/tcp"), ipv6)) {
      if (socket.port == port) matches.push_back(std::move(socket));
    }
  }
  if (matches.empty()) return std::nullopt;
  for (const auto& socket : matches) {
    if (auto pid = pid_of_socket(socket.inode)) {
      std::string comm = read_proc_text(fmt::format("/proc/{}/comm", *pid));
      while (!comm.empty() && (comm.back() == '\n' || comm.back() == ' ')) comm.pop_back();
      return PortOwner{socket.address, *pid, comm};
    }
  }
  return PortOwner{matches.front().address, 0, ""};
}

bool port_is_free(const std::string& host_ip, int port) {
  const bool ipv6 = host_ip.find(':') != std::string::npos;
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (ipv6) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET6, host_ip.c_str(), &v6.sin6_addr) != 1) return true;
  } else {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(static_cast<uint16_t>(port));
    const std::string address = host_ip.empty() ? "0.0.0.0" : host_ip;
    if (::inet_pton(AF_INET, address.c_str(), &v4.sin_addr) != 1) return true;
  }
  const int fd = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;
  // As a server would: a port whose last connection is in TIME_WAIT is free to listen on.
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const int result = ipv6 ? ::bind(fd, reinterpret_cast<const sockaddr*>(&v6), sizeof v6)
                          : ::bind(fd, reinterpret_cast<const sockaddr*>(&v4), sizeof v4);
  const int bind_errno = errno;
  ::close(fd);
  return result == 0 || bind_errno != EADDRINUSE;
}

}  // namespace ollama_stack::stack
