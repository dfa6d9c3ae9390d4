#include "ollama_stack/stack/checks/port_owner.hpp"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bit>

namespace ollama_stack::stack {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The kernel prints addresses as native-endian words; these samples are from little-endian hosts.
constexpr bool kLittleEndian = std::endian::native == std::endian::little;

constexpr const char* kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 "
    "0000000000000000 100 0 0 10 0\n"
    "   1: 00000000:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 "
    "0000000000000000 100 0 0 10 0\n"
    "   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 999 1 "
    "0000000000000000 20 4 30 10 -1\n"
    "   3: not a socket line\n";

constexpr const char* kTcp6 =
    "  sl  local_address                         remote_address                        st tx_queue rx_queue tr "
    "tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000000000000:2CAA 00000000000000000000000000000000:0000 0A 00000000:00000000 "
    "00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0\n"
    "   1: 00000000000000000000000001000000:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000 "
    "00:00000000 00000000     0        0 31338 1 0000000000000000 100 0 0 10 0\n"
    "   2: 0000000000000000FFFF00000100007F:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 "
    "00:00000000 00000000     0        0 31339 1 0000000000000000 100 0 0 10 0\n";

TEST(PortOwnerParse, ListeningIpv4SocketsOnlyWithAddressPortAndInode) {
  if (!kLittleEndian) GTEST_SKIP() << "samples are little-endian";
  EXPECT_THAT(parse_proc_net_tcp(kTcp, false),
              ElementsAre(ListeningSocket{"127.0.0.1", 8080, 4242}, ListeningSocket{"0.0.0.0", 11434, 777}));
}

TEST(PortOwnerParse, Ipv6AddressesIncludingLoopbackAndMapped) {
  if (!kLittleEndian) GTEST_SKIP() << "samples are little-endian";
  EXPECT_THAT(parse_proc_net_tcp(kTcp6, true),
              ElementsAre(ListeningSocket{"::", 11434, 31337}, ListeningSocket{"::1", 8000, 31338},
                          ListeningSocket{"::ffff:127.0.0.1", 80, 31339}));
}

TEST(PortOwnerParse, WrongFamilyOrEmptyTextGivesNothing) {
  EXPECT_TRUE(parse_proc_net_tcp(kTcp, true).empty());
  EXPECT_TRUE(parse_proc_net_tcp("", false).empty());
  EXPECT_TRUE(parse_proc_net_tcp("   0: 0100007F:ZZZZ 00000000:0000 0A 0:0 0:0 0 0 0 1\n", false).empty());
}

TEST(PortOwnerDescribe, NamesPidAndCommandOrSaysItIsHidden) {
  EXPECT_EQ(describe(PortOwner{"127.0.0.1", 42, "python3"}), "pid 42 (python3) listening on 127.0.0.1");
  EXPECT_THAT(describe(PortOwner{"0.0.0.0", 0, ""}), HasSubstr("not visible"));
}

// A listening socket of this process on 127.0.0.1, on a port the kernel picks.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(fd_, 1) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      throw std::runtime_error("cannot listen");
    }
    port_ = ntohs(address.sin_port);
  }
  ~Listener() { close(); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  int port() const { return port_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(PortIsFree, APortWeListenOnIsTakenOnThatAddressAndOnEveryAddress) {
  Listener listener;
  EXPECT_FALSE(port_is_free("127.0.0.1", listener.port()));
  EXPECT_FALSE(port_is_free("", listener.port()));
  EXPECT_FALSE(port_is_free("0.0.0.0", listener.port()));
  listener.close();
  EXPECT_TRUE(port_is_free("127.0.0.1", listener.port()));
}

TEST(PortIsFree, AnAddressThisHostDoesNotHaveIsLeftToTheEngine) {
  EXPECT_TRUE(port_is_free("not-an-ip", 8080));
}

TEST(FindPortOwner, FindsThisProcessBehindItsOwnListener) {
  Listener listener;
  auto owner = find_port_owner(listener.port());
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->pid, ::getpid());
  EXPECT_EQ(owner->address, "127.0.0.1");
  EXPECT_FALSE(owner->comm.empty());
}

TEST(FindPortOwner, NothingListeningGivesNullopt) {
  Listener listener;
  const int port = listener.port();
  listener.close();
  EXPECT_FALSE(find_port_owner(port).has_value());
}

}  // namespace
}  // namespace ollama_stack::stack
