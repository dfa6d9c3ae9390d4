// Networks, builds and the configs/secrets tar as the engine gets them.
#include "ollama_stack/compose/resource_spec.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "compose_test_support.hpp"
#include "ollama_stack/compose/build_context.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::HasSubstr;

struct TarEntry {
  std::string path;
  int mode = 0;
  int64_t uid = 0;
  int64_t gid = 0;
  std::string content;
  bool operator==(const TarEntry&) const = default;
};

void PrintTo(const TarEntry& e, std::ostream* os) {
  *os << e.path << " mode=" << std::oct << e.mode << std::dec << " " << e.uid << ":" << e.gid
      << " \"" << e.content << "\"";
}

std::vector<TarEntry> read_tar(const std::string& bytes) {
  std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                archive_read_free);
  archive_read_support_format_tar(reader.get());
  archive_read_open_memory(reader.get(), bytes.data(), bytes.size());
  std::vector<TarEntry> out;
  archive_entry* entry = nullptr;
  while (archive_read_next_header(reader.get(), &entry) == ARCHIVE_OK) {
    TarEntry item{archive_entry_pathname(entry),
                  static_cast<int>(archive_entry_perm(entry)),
                  archive_entry_uid(entry),
                  archive_entry_gid(entry),
                  {}};
    char buffer[4096];
    for (la_ssize_t n; (n = archive_read_data(reader.get(), buffer, sizeof buffer)) > 0;)
      item.content.append(buffer, static_cast<size_t>(n));
    out.push_back(std::move(item));
  }
  return out;
}

TEST(ResourceSpec, ConfigsAndSecretsTarHoldsEachGrantAtItsTarget) {
  auto project = testing::load_text(R"(
services:
  a:
    image: x
    configs: [{source: conf, target: /etc/app/conf.json, uid: "1000", gid: "1001", mode: 0440}]
    secrets: [token]
  b: {image: x}
configs:
  conf: {content: "{\"k\": 1}"}
secrets:
  token: {environment: TOKEN}
)",
                                    {{"TOKEN", "t0ken"}})
                     .project;
  const Service& a = project.services.at("a");
  EXPECT_EQ(read_tar(file_grants_tar(project, a)),
            (std::vector<TarEntry>{{"etc/app/conf.json", 0440, 1000, 1001, "{\"k\": 1}"},
                                   {"run/secrets/token", 0444, 0, 0, "t0ken"}}));
  EXPECT_TRUE(file_grants_set_owner(a));
  EXPECT_EQ(file_grants_tar(project, project.services.at("b")), "");
  EXPECT_FALSE(file_grants_set_owner(project.services.at("b")));
}

TEST(ResourceSpec, NetworkOptions) {
  auto project = testing::load_text(R"(
services: {a: {image: x, networks: [front]}}
networks:
  front:
    driver: bridge
    driver_opts: {com.docker.network.bridge.name: br-front}
    internal: true
    attachable: true
    enable_ipv6: true
    ipam:
      config: [{subnet: 172.28.0.0/16, ip_range: 172.28.5.0/24, gateway: 172.28.5.254, aux_addresses: {host1: 172.28.1.5}}]
    labels: [tier=front]
)")
                     .project;
  const auto options = network_options(project.networks.at("front"), {{"k", "v"}}, "1.41");
  EXPECT_EQ(options.driver, "bridge");
  EXPECT_TRUE(options.internal);
  EXPECT_TRUE(options.attachable);
  EXPECT_EQ(options.enable_ipv6, true);
  EXPECT_EQ(options.driver_opts.at("com.docker.network.bridge.name"), "br-front");
  EXPECT_EQ(options.ipam,
            nlohmann::json::parse(R"({"Driver": "default", "Config": [{"Subnet": "172.28.0.0/16",
      "IPRange": "172.28.5.0/24", "Gateway": "172.28.5.254", "AuxiliaryAddresses": {"host1": "172.28.1.5"}}]})"));
  EXPECT_EQ(project.networks.at("front").labels.at("tier"), "front");

  auto ipv4 =
      testing::load_text("services: {a: {image: x}}\nnetworks:\n  n: {enable_ipv4: false}\n")
          .project;
  try {
    network_options(ipv4.networks.at("n"), {}, "1.41");
    FAIL() << "enable_ipv4 on API 1.41";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(),
                HasSubstr("networks.n.enable_ipv4 needs Docker Engine 27 or newer (API 1.47)"));
  }
}

TEST(ResourceSpec, BuildOptions) {
  auto project = testing::load_text(R"(
services:
  a:
    image: mine:1
    platform: linux/arm64
    build:
      context: ./app
      dockerfile_inline: "FROM scratch\n"
      args: {V: "1"}
      network: none
      labels: {org.example: x}
      tags: [mine:extra]
      cache_from: [mine:cache]
      extra_hosts: ["db:10.0.0.2"]
      shm_size: 64m
      no_cache: true
      pull: true
      ulimits: {nofile: 1024}
  remote:
    build: https://github.com/example/app.git#main:docker
)")
                     .project;
  const auto options = build_options(project.services.at("a"));
  EXPECT_EQ(options.tag, "mine:1");
  EXPECT_EQ(options.dockerfile, kInlineDockerfile);
  EXPECT_EQ(options.network, "none");
  EXPECT_EQ(options.platform, "linux/arm64");
  EXPECT_EQ(options.labels.at("org.example"), "x");
  EXPECT_EQ(options.more_tags, std::vector<std::string>{"mine:extra"});
  EXPECT_EQ(options.cache_from, std::vector<std::string>{"mine:cache"});
  EXPECT_EQ(options.extra_hosts, std::vector<std::string>{"db:10.0.0.2"});
  EXPECT_EQ(options.shm_size, 64 * 1024 * 1024);
  EXPECT_TRUE(options.no_cache);
  EXPECT_TRUE(options.pull);
  EXPECT_EQ(options.ulimits,
            nlohmann::json::parse(R"([{"Name": "nofile", "Soft": 1024, "Hard": 1024}])"));
  EXPECT_EQ(options.remote, "");
  EXPECT_EQ(build_options(project.services.at("remote")).remote,
            "https://github.com/example/app.git#main:docker");
}

}  // namespace
}  // namespace ollama_stack::compose
