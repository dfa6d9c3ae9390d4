// The MCP proxy's config reaches the engine through its API only: no path of the client's home is
// named in any container create body (the core's services, the volume access container).
#include "ollama_stack/stack/mcp/mcp_volume.hpp"

#include <gtest/gtest.h>

#include "ollama_stack/compose/container_spec.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/stack_project.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/util/error.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::stack {
namespace {

using ollama_stack::testing::TempDir;

// Answers the calls push_mcp_config makes, and records every request.
struct FakeEngine : engine::Transport {
  std::vector<engine::HttpRequest> requests;
  std::string uploaded;
  std::string volume_tar;  // what GET archive returns ("" = an empty volume)
  bool volume_exists = false;

  engine::HttpResponse send(const engine::HttpRequest& request) override {
    if (request.path == "/_ping") return {200, "OK", {{"api-version", "1.41"}}};
    requests.push_back(request);
    const auto& path = request.path;
    if (path.find("/volumes/") != std::string::npos && request.method == "GET")
      return volume_exists
                 ? engine::HttpResponse{200, R"({"Name":"v","Driver":"local","Labels":{}})", {}}
                 : engine::HttpResponse{404, R"({"message":"no such volume"})", {}};
    if (path.find("/volumes/create") != std::string::npos)
      return {201, R"({"Name":"v","Driver":"local"})", {}};
    if (path.find("/images/") != std::string::npos)
      return {200, R"({"Id":"sha256:1","RepoTags":[]})", {}};
    if (path.find("/containers/create") != std::string::npos)
      return {201, R"({"Id":"helper"})", {}};
    if (path.find("/archive") != std::string::npos && request.method == "GET") {
      if (request.on_data && !volume_tar.empty()) request.on_data(volume_tar);
      return {200, "", {}};
    }
    if (path.find("/archive") != std::string::npos && request.method == "PUT") {
      char buffer[4096];
      for (size_t n; (n = request.body_reader(buffer, sizeof buffer)) > 0;)
        uploaded.append(buffer, n);
      return {200, "", {}};
    }
    if (request.method == "DELETE") return {204, "", {}};
    return {404, R"({"message":"unexpected call"})", {}};
  }
  std::string describe() const override { return "tcp://remote.example:2375"; }
};

StackProject core_project(const TempDir& home) {
  ensure_home(home.path());
  return load_stack_project(HomeLayout{home.path()}, nullptr, Platform::cpu, "");
}

TEST(McpVolume, TheCoreProjectNamesNoPathOfTheHome) {
  TempDir home;
  const auto loaded = core_project(home);
  const auto target = mcp_volume_target(loaded.project, core_labels(loaded.project.name));
  ASSERT_TRUE(target);
  EXPECT_EQ(target->volume, loaded.project.name + "_mcp_config");
  EXPECT_EQ(target->labels.at("com.docker.compose.volume"), "mcp_config");
  EXPECT_EQ(target->labels.at("ollama-stack.installation"), loaded.project.name);
  for (const auto& [name, service] : loaded.project.services) {
    auto spec = compose::container_spec(loaded.project, service, core_labels(loaded.project.name));
    // Labels are compose's metadata (project.working_dir names the home, as docker compose's
    // does); nothing the container runs with may name a path of the home.
    EXPECT_EQ(spec.body["Labels"]["com.docker.compose.project.working_dir"], home.path().string());
    spec.body.erase("Labels");
    const std::string body = spec.body.dump();
    EXPECT_EQ(body.find(home.path().string()), std::string::npos) << name << ": " << body;
    for (const auto& mount : spec.body["HostConfig"]["Mounts"])
      EXPECT_NE(mount["Type"], "bind") << name << " binds " << mount.dump();
  }
  const auto& proxy = loaded.project.services.at("mcp_proxy");
  ASSERT_EQ(proxy.volumes.size(), 1u);
  EXPECT_EQ(proxy.volumes[0].source, "mcp_config");
  EXPECT_EQ(proxy.volumes[0].target, "/app/mcp");
  EXPECT_TRUE(proxy.volumes[0].read_only);
}

TEST(McpVolume, PushCreatesTheVolumeAndWritesThroughTheArchiveApiOnly) {
  TempDir home;
  const auto loaded = core_project(home);
  const auto target = *mcp_volume_target(loaded.project, core_labels(loaded.project.name));
  auto owned = std::make_unique<FakeEngine>();
  auto* fake = owned.get();
  engine::Client client(std::move(owned));
  const std::string text = "{\n  \"mcpServers\": {\"time\": {\"command\": \"uvx\"}}\n}\n";
  EXPECT_TRUE(push_mcp_config(client, target, text));
  bool created_volume = false;
  for (const auto& request : fake->requests) {
    EXPECT_EQ(request.body.find(home.path().string()), std::string::npos)
        << request.method << " " << request.path << ": " << request.body;
    if (request.path.find("/volumes/create") != std::string::npos) {
      created_volume = true;
      auto body = nlohmann::json::parse(request.body);
      EXPECT_EQ(body["Name"], target.volume);
      EXPECT_EQ(body["Labels"]["com.docker.compose.project"], loaded.project.name);
    }
    if (request.path.find("/containers/create") != std::string::npos) {
      auto body = nlohmann::json::parse(request.body);
      EXPECT_EQ(body["HostConfig"]["Mounts"][0]["Type"], "volume");
      EXPECT_EQ(body["HostConfig"]["Mounts"][0]["Source"], target.volume);
    }
  }
  EXPECT_TRUE(created_volume);
  EXPECT_EQ(file_from_tar(fake->uploaded, "ollama-stack-volume/config.json"), text);

  // The same content again: read back, nothing written.
  fake->volume_exists = true;
  fake->volume_tar = fake->uploaded;
  fake->uploaded.clear();
  EXPECT_FALSE(push_mcp_config(client, target, text));
  EXPECT_TRUE(fake->uploaded.empty());
}

TEST(McpVolume, TarRoundTrip) {
  const auto tar = single_file_tar("dir/config.json", "hello");
  EXPECT_EQ(tar.size() % 512, 0u);
  EXPECT_EQ(file_from_tar(tar, "dir/config.json"), "hello");
  EXPECT_EQ(file_from_tar(tar, "other"), std::nullopt);
  EXPECT_THROW(file_from_tar(std::string(1024, 'x'), "a"), Error);
}

TEST(McpVolume, AUserOverrideWithoutTheVolumeIsLeftAlone) {
  TempDir home;
  auto loaded = core_project(home);
  auto& proxy = loaded.project.services.at("mcp_proxy");
  proxy.volumes = {{compose::Mount::Type::bind, "/srv/mcp", "/app/mcp", true}};
  EXPECT_FALSE(mcp_volume_target(loaded.project, {}));
}

}  // namespace
}  // namespace ollama_stack::stack
