#include "ollama_stack/stack/backends/backends.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/compose/embedded.hpp"
#include "ollama_stack/compose/load.hpp"
#include "ollama_stack/util/error.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::stack {
namespace {

using compose::DeviceRequest;
using ollama_stack::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

compose::Project stack_files(const std::string& platform) {
  compose::LoadOptions options;
  for (std::string name :
       {std::string("docker-compose.yml"), "docker-compose." + platform + ".yml"})
    if (auto text = compose::embedded_compose_file(name))
      options.sources.push_back({"embedded:" + name, std::string(*text)});
  options.lookup = [](std::string_view name) -> std::optional<std::string> {
    if (name == "WEBUI_SECRET_KEY") return "k";
    if (name == "PROJECT_NAME") return "mystack";
    return std::nullopt;
  };
  options.project_name = "mystack";
  options.working_dir = "/srv/home";
  return compose::load_project(options).project;
}

BackendRecord backend(std::string name) {
  BackendRecord record;
  record.name = std::move(name);
  record.host = "tcp://10.0.0.2:2375";
  return record;
}

TEST(Backends, NamesAreShortLowercaseWords) {
  EXPECT_NO_THROW(validate_backend_name("gpu-box"));
  EXPECT_NO_THROW(validate_backend_name("b2"));
  for (const char* bad : {"", "-x", "Gpu", "gpu_1", "a/b", "012345678901234567890123456789012"})
    EXPECT_THROW(validate_backend_name(bad), Error) << bad;
}

TEST(Backends, GpusAreAllOrAListOfIds) {
  EXPECT_TRUE(gpu_ids("").empty());
  EXPECT_TRUE(gpu_ids("all").empty());
  EXPECT_THAT(gpu_ids("0,2"), ElementsAre("0", "2"));
  EXPECT_THAT(gpu_ids("GPU-8f2a"), ElementsAre("GPU-8f2a"));
  for (const char* bad : {"0,", ",1", "0;1", "x y"}) EXPECT_THROW(gpu_ids(bad), Error) << bad;
}

TEST(Backends, WebuiReachesTheEnginesHostOrTheGivenUrl) {
  auto record = backend("b2");
  record.port = 11500;
  EXPECT_EQ(backend_webui_url(record, engine::parse_host(record.host)), "http://10.0.0.2:11500");
  EXPECT_EQ(backend_client_url(record, engine::parse_host(record.host)), "http://10.0.0.2:11500");
  EXPECT_EQ(backend_webui_url(record, engine::parse_host("ssh://me@gpu-box")),
            "http://gpu-box:11500");
  // This machine's engine: the container reaches the host's published ports there.
  EXPECT_EQ(backend_webui_url(record, engine::parse_host("unix:///var/run/docker.sock")),
            "http://host.docker.internal:11500");
  EXPECT_EQ(backend_client_url(record, engine::parse_host("unix:///var/run/docker.sock")),
            "http://127.0.0.1:11500");
  record.url = "http://tunnel:9000";
  EXPECT_EQ(backend_webui_url(record, engine::parse_host(record.host)), "http://tunnel:9000");
}

TEST(Backends, TheProjectIsTheCoresOllamaAloneWithItsOwnVolumeAndPort) {
  auto record = backend("b2");
  record.port = 11500;
  const auto project = backend_project(stack_files("cpu"), record);
  EXPECT_EQ(project.name, "mystack-backend-b2");
  ASSERT_EQ(project.services.size(), 1u);
  const auto& ollama = project.services.at("ollama");
  ASSERT_EQ(ollama.ports.size(), 1u);
  EXPECT_EQ(ollama.ports[0].host_ip, "0.0.0.0");
  EXPECT_EQ(ollama.ports[0].published, 11500);
  EXPECT_EQ(ollama.ports[0].target, 11434);
  ASSERT_EQ(project.volumes.size(), 1u);
  EXPECT_EQ(project.volumes.at("ollama_data").name, "mystack-backend-b2_ollama_data");
  EXPECT_EQ(project.networks.at("default").name, "mystack-backend-b2_default");
}

TEST(Backends, GpusPinDeviceIdsForTheDriverAndForCdi) {
  auto record = backend("gpu1");
  record.gpus = "1";
  const auto pinned = backend_project(stack_files("nvidia"), record);
  EXPECT_THAT(pinned.services.at("ollama").device_requests,
              ElementsAre(DeviceRequest{"nvidia", 0, {"1"}, {"gpu"}, {}}));
  auto cdi = stack_files("nvidia");
  cdi.services.at("ollama").device_requests = {{"cdi", 0, {"nvidia.com/gpu=all"}, {}, {}}};
  EXPECT_THAT(backend_project(cdi, record).services.at("ollama").device_requests,
              ElementsAre(DeviceRequest{"cdi", 0, {"nvidia.com/gpu=1"}, {}, {}}));
  record.gpus = "";  // the platform's own request stays
  EXPECT_THAT(backend_project(stack_files("nvidia"), record).services.at("ollama").device_requests,
              ElementsAre(DeviceRequest{"nvidia", -1, {}, {"gpu"}, {}}));
}

TEST(Backends, OpenWebuiGetsItsOwnOllamaFirstThenTheBackends) {
  auto project = stack_files("cpu");
  wire_backend_urls(project, {});
  EXPECT_EQ(project.services.at("webui").environment.count("OLLAMA_BASE_URLS"), 0u);
  wire_backend_urls(project, {"http://10.0.0.2:11434", "http://10.0.0.3:11434"});
  EXPECT_EQ(project.services.at("webui").environment.at("OLLAMA_BASE_URLS"),
            "http://ollama:11434;http://10.0.0.2:11434;http://10.0.0.3:11434");
}

TEST(Backends, RecordedOnceByNameAndPortAndForgotten) {
  TempDir home;
  HomeLayout layout{home.path()};
  record_backend(layout, backend("b2"));
  EXPECT_THROW(record_backend(layout, backend("b2")), Error);
  try {
    record_backend(layout, backend("b3"));  // same engine, same port
    ADD_FAILURE() << "a second backend on the same port was recorded";
  } catch (const Error& error) {
    EXPECT_THAT(error.what(), HasSubstr("port 11434"));
  }
  auto other = backend("b3");
  other.port = 11500;
  record_backend(layout, other);
  ASSERT_EQ(recorded_backends(layout).size(), 2u);
  EXPECT_EQ(recorded_backends(layout)[1], other);
  EXPECT_TRUE(forget_backend(layout, "b2"));
  EXPECT_FALSE(forget_backend(layout, "b2"));
  EXPECT_THAT(recorded_backends(layout), ElementsAre(other));
}

}  // namespace
}  // namespace ollama_stack::stack
