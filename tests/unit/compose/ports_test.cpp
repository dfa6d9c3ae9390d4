#include "ollama_stack/compose/ports.hpp"

#include "compose_test_support.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<PortMapping> ports_of(const std::string& entry) {
  Node doc = parse_yaml("- " + entry + "\n", "f.yml");
  return parse_port_entry(doc.items.at(0), "services.a.ports[0]");
}

std::string error_of(const std::string& entry) {
  try {
    ports_of(entry);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

PortMapping published(std::string ip, uint16_t host, uint16_t target,
                      std::string protocol = "tcp") {
  return PortMapping{.host_ip = std::move(ip),
                     .published = host,
                     .ephemeral = false,
                     .target = target,
                     .protocol = std::move(protocol)};
}

PortMapping ephemeral(uint16_t target, std::string ip = "") {
  return PortMapping{.host_ip = std::move(ip),
                     .published = 0,
                     .ephemeral = true,
                     .target = target,
                     .protocol = "tcp"};
}

TEST(ComposePorts, TargetOnlyIsEphemeral) {
  EXPECT_THAT(ports_of("\"8080\""), ElementsAre(ephemeral(8080)));
  EXPECT_THAT(ports_of("8080"), ElementsAre(ephemeral(8080)));
}

TEST(ComposePorts, PublishedAndTarget) {
  EXPECT_THAT(ports_of("\"8080:80\""), ElementsAre(published("", 8080, 80)));
}

TEST(ComposePorts, HostIp) {
  EXPECT_THAT(ports_of("\"127.0.0.1:8080:80\""), ElementsAre(published("127.0.0.1", 8080, 80)));
  EXPECT_THAT(ports_of("\"127.0.0.1::80\""), ElementsAre(ephemeral(80, "127.0.0.1")));
  EXPECT_THAT(ports_of("\"[::1]:8080:80\""), ElementsAre(published("::1", 8080, 80)));
  EXPECT_THAT(ports_of("\"::1:8080:80\""), ElementsAre(published("::1", 8080, 80)));
}

TEST(ComposePorts, Protocol) {
  EXPECT_THAT(ports_of("\"53:53/udp\""), ElementsAre(published("", 53, 53, "udp")));
  EXPECT_THAT(
      ports_of("\"9000/sctp\""),
      ElementsAre(PortMapping{
          .host_ip = "", .published = 0, .ephemeral = true, .target = 9000, .protocol = "sctp"}));
}

TEST(ComposePorts, RangesExpand) {
  EXPECT_THAT(ports_of("\"9090-9091:8080-8081\""),
              ElementsAre(published("", 9090, 8080), published("", 9091, 8081)));
  EXPECT_THAT(ports_of("\"127.0.0.1:9090-9091:8080-8081/udp\""),
              ElementsAre(published("127.0.0.1", 9090, 8080, "udp"),
                          published("127.0.0.1", 9091, 8081, "udp")));
  EXPECT_THAT(ports_of("\"3000-3002\""),
              ElementsAre(ephemeral(3000), ephemeral(3001), ephemeral(3002)));
}

TEST(ComposePorts, LongSyntax) {
  EXPECT_THAT(
      ports_of("{target: 80, published: 8080, host_ip: 127.0.0.1, protocol: udp, mode: host}"),
      ElementsAre(published("127.0.0.1", 8080, 80, "udp")));
  EXPECT_THAT(ports_of("{target: 80, published: \"8080\"}"), ElementsAre(published("", 8080, 80)));
  EXPECT_THAT(ports_of("{target: 80}"), ElementsAre(ephemeral(80)));
}

TEST(ComposePorts, LongSyntaxRange) {
  EXPECT_THAT(ports_of("{target: 80, published: 8080-8080}"), ElementsAre(published("", 8080, 80)));
  // One container port on a host range: the engine picks a free port of the range (compose-spec).
  auto ranged = ports_of("{target: 80, published: 8080-8081}");
  ASSERT_EQ(ranged.size(), 1u);
  EXPECT_EQ(ranged[0].published, 8080);
  EXPECT_EQ(ranged[0].published_last, 8081);
}

TEST(ComposePorts, OutOfRangeIsTheDocumentedMessage) {
  EXPECT_EQ(error_of("\"80800:8080\""),
            "f.yml:1: services.a.ports[0]: \"80800:8080\" is not a valid port (1-65535)");
  EXPECT_THAT(error_of("\"0:80\""), HasSubstr("\"0:80\" is not a valid port (1-65535)"));
  EXPECT_THAT(error_of("\"8080:70000\""), HasSubstr("is not a valid port (1-65535)"));
  EXPECT_THAT(error_of("\"abc\""), HasSubstr("\"abc\" is not a valid port"));
  EXPECT_THAT(error_of("{target: 0}"),
              HasSubstr("services.a.ports[0].target: \"0\" is not a valid port"));
  EXPECT_THAT(error_of("{target: 80, published: 99999}"),
              HasSubstr("services.a.ports[0].published: \"99999\" is not a valid port"));
}

TEST(ComposePorts, OtherErrors) {
  EXPECT_THAT(error_of("\"9091-9090:80-81\""), HasSubstr("runs backwards"));
  EXPECT_THAT(error_of("\"9090-9092:8080-8081\""), HasSubstr("ranges differ in length"));
  EXPECT_THAT(error_of("\"8080:80-81\""), HasSubstr("ranges differ in length"));
  EXPECT_THAT(error_of("\"80/icmp\""), HasSubstr("\"icmp\" is not a protocol"));
  EXPECT_THAT(error_of("\"nothost:80:80\""), HasSubstr("\"nothost\" is not an IP address"));
  EXPECT_THAT(error_of("{published: 80}"), HasSubstr("needs a \"target\""));
  EXPECT_THAT(error_of("{target: 80, nmae: web}"),
              HasSubstr("services.a.ports[0].nmae: this key is not supported"));
  EXPECT_THAT(error_of("{target: 80, mode: swarm}"), HasSubstr("\"swarm\" is not host or ingress"));
  EXPECT_THAT(error_of("[80]"), HasSubstr("must be a port string"));
}

TEST(ComposePorts, ServiceDuplicatesCollapse) {
  auto project =
      testing::load_text(
          "services:\n  a:\n    image: x\n    ports: [\"8080:80\", \"8080:80\", \"8081:80\"]\n")
          .project;
  EXPECT_THAT(project.services.at("a").ports,
              ElementsAre(published("", 8080, 80), published("", 8081, 80)));
}

TEST(ComposePorts, LoadErrorHasFileLineAndIndex) {
  EXPECT_EQ(testing::load_error("services:\n  webui:\n    image: x\n    ports:\n      - "
                                "\"8080:8080\"\n      - \"80800:8080\"\n"),
            "compose.yml:6: services.webui.ports[1]: \"80800:8080\" is not a valid port (1-65535)");
}

}  // namespace
}  // namespace ollama_stack::compose
