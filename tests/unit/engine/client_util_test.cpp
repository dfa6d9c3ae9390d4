// Pure helpers of the engine client: endpoints, filters, versions, references, stats, errors.
#include <gtest/gtest.h>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/engine/endpoint.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::engine {
namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values](std::string_view name) -> std::optional<std::string> {
    auto found = values.find(std::string(name));
    return found == values.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
}

TEST(Endpoint, FlagBeatsDockerHostWhichBeatsTheDefaultSocket) {
  auto endpoint = resolve_endpoint("", env_of({}));
  EXPECT_EQ(endpoint.url(), "unix:///var/run/docker.sock");
  EXPECT_EQ(endpoint.source, "default");
  endpoint = resolve_endpoint("", env_of({{"DOCKER_HOST", "tcp://10.0.0.5:2375"}}));
  EXPECT_EQ(endpoint.kind, Endpoint::Kind::tcp);
  EXPECT_EQ(endpoint.http_base(), "http://10.0.0.5:2375");
  EXPECT_EQ(endpoint.source, "DOCKER_HOST");
  endpoint = resolve_endpoint("unix:///tmp/d.sock", env_of({{"DOCKER_HOST", "tcp://10.0.0.5:2375"}}));
  EXPECT_EQ(endpoint.socket_path, "/tmp/d.sock");
  EXPECT_EQ(endpoint.source, "--host");
}

TEST(Endpoint, TlsSettingsComeFromDockerCertPath) {
  auto endpoint = resolve_endpoint("", env_of({{"DOCKER_HOST", "tcp://h:2376"}, {"DOCKER_TLS_VERIFY", "1"},
                                               {"DOCKER_CERT_PATH", "/certs"}}));
  EXPECT_TRUE(endpoint.tls);
  EXPECT_TRUE(endpoint.tls_verify);
  EXPECT_EQ(endpoint.ca_file, "/certs/ca.pem");
  EXPECT_EQ(endpoint.http_base(), "https://h:2376");
}

TEST(Endpoint, ParsesIpv6AndRejectsBadHostsWithAHint) {
  EXPECT_EQ(parse_host("tcp://[::1]:2375").host, "::1");
  EXPECT_EQ(parse_host("tcp://example").port, 2375);
  for (const char* bad : {"unix://relative.sock", "tcp://host:99999", "tcp://host:", "foo://bar", "tcp://:2375"}) {
    try {
      parse_host(bad);
      ADD_FAILURE() << bad;
    } catch (const ConfigError& error) {
      EXPECT_NE(std::string(error.what()).find(bad), std::string::npos);
      EXPECT_FALSE(error.hint().empty());
    }
  }
}

TEST(ClientUtil, FiltersAreUrlEncodedJson) {
  EXPECT_EQ(encode_filters({{"label", {"a=b"}}}), "%7B%22label%22%3A%5B%22a%3Db%22%5D%7D");
}

TEST(ClientUtil, ApiVersionsCompareNumerically) {
  EXPECT_LT(compare_api_versions("1.9", "1.41"), 0);
  EXPECT_EQ(compare_api_versions("1.41", "1.41"), 0);
  EXPECT_GT(compare_api_versions("1.45", "1.41"), 0);
}

TEST(ClientUtil, ImageReferencesNeverMeanAllTags) {
  EXPECT_EQ(split_image_reference("ollama/ollama"), std::make_pair(std::string("ollama/ollama"), std::string("latest")));
  EXPECT_EQ(split_image_reference("ghcr.io/open-webui/open-webui:main").second, "main");
  EXPECT_EQ(split_image_reference("localhost:5000/x").second, "latest");
  EXPECT_EQ(split_image_reference("x@sha256:abc").second, "");
}

TEST(ClientUtil, ErrorBodiesAreJsonOrPlainText) {
  EXPECT_EQ(error_message_from_body(R"({"message":"No such container: x"})"), "No such container: x");
  EXPECT_EQ(error_message_from_body("client version 1.99 is too new\n"), "client version 1.99 is too new");
}

TEST(Stats, CpuAndMemoryAsDockerStatsComputesThem) {
  StatsSample before, after;
  before.cpu_total = 1000;
  before.system_cpu = 10000;
  after.cpu_total = 1500;
  after.system_cpu = 12000;
  after.online_cpus = 2;
  after.memory_usage = 300;
  after.memory_inactive_file = 100;
  after.memory_limit = 1000;
  auto usage = compute_usage(before, after);
  EXPECT_DOUBLE_EQ(usage.cpu_percent, 50.0);  // 500/2000 * 2 cpus * 100
  EXPECT_EQ(usage.memory_used, 200u);
  EXPECT_DOUBLE_EQ(usage.memory_percent, 20.0);
  EXPECT_DOUBLE_EQ(compute_usage(after, after).cpu_percent, 0.0);
}

TEST(Stats, ParsesCgroupV1AndV2Samples) {
  auto v1 = parse_stats(nlohmann::json::parse(R"({"cpu_stats":{"cpu_usage":{"total_usage":5,"percpu_usage":[1,2,3]},"system_cpu_usage":9},
    "memory_stats":{"usage":100,"limit":1000,"stats":{"total_inactive_file":40}},
    "networks":{"eth0":{"rx_bytes":7,"tx_bytes":8},"eth1":{"rx_bytes":1,"tx_bytes":2}}})"));
  EXPECT_EQ(v1.online_cpus, 3);
  EXPECT_EQ(v1.memory_inactive_file, 40u);
  EXPECT_EQ(v1.net_rx, 8u);
  EXPECT_EQ(v1.net_tx, 10u);
  auto v2 = parse_stats(nlohmann::json::parse(R"({"cpu_stats":{"online_cpus":4},"memory_stats":{"usage":10,"stats":{"inactive_file":3}}})"));
  EXPECT_EQ(v2.online_cpus, 4);
  EXPECT_EQ(v2.memory_inactive_file, 3u);
}

}  // namespace
}  // namespace ollama_stack::engine
