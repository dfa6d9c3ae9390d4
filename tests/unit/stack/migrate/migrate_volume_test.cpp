#include "ollama_stack/stack/migrate/migrate_volume.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using ::testing::HasSubstr;

TEST(MigrateVolume, ParsesServiceEqualsVolume) {
  const auto request = parse_volume_request("ollama=my=odd=name");
  EXPECT_EQ(request.service, "ollama");
  EXPECT_EQ(request.volume, "my=odd=name");
  for (const char* bad : {"ollama", "=x", "ollama=", ""}) {
    try {
      parse_volume_request(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ExitCode::usage);
    }
  }
}

TEST(MigrateVolume, Refusals) {
  VolumeMigration item;
  item.source = "ollama";
  item.target = "stack_ollama_data";
  EXPECT_EQ(item.refusal(false), "");
  item.target_has_content = true;
  EXPECT_THAT(item.refusal(false), HasSubstr("already holds data; pass --force"));
  EXPECT_EQ(item.refusal(true), "");
  item.source_running = {"ollama"};
  EXPECT_THAT(item.refusal(false), HasSubstr("in use by the running container ollama"));
  EXPECT_EQ(item.refusal(true), "");
  item.target_users = {"stack-ollama-1"};
  EXPECT_THAT(item.refusal(true), HasSubstr("stop the stack first"));  // even forced
}

engine::ContainerSummary container(std::string name, std::string state, std::string volume,
                                   std::string path) {
  engine::ContainerSummary summary;
  summary.name = std::move(name);
  summary.state = std::move(state);
  summary.mounts.push_back(
      {"volume", std::move(volume), "/var/lib/docker/volumes/x/_data", std::move(path)});
  return summary;
}

engine::VolumeInfo volume(std::string name, engine::Labels volume_labels = {}, int64_t size = -1) {
  engine::VolumeInfo info;
  info.name = std::move(name);
  info.labels = std::move(volume_labels);
  info.size = size;
  return info;
}

TEST(MigrateVolume, CandidatesByMountPathNameAndOtherInstallations) {
  const std::map<std::string, std::string> paths{{"/root/.ollama", "ollama"},
                                                 {"/app/backend/data", "webui"}};
  const std::map<std::string, std::string> keys{{"ollama_data", "ollama"}, {"webui_data", "webui"}};
  const std::vector<engine::ContainerSummary> containers{
      container("ollama", "exited", "3f9a0c",
                "/root/.ollama"),  // docker run -v with an anonymous volume
      container("open-webui", "running", "open-webui", "/app/backend/data"),
      container("mine-ollama-1", "running", "mine_ollama_data",
                "/root/.ollama"),  // this installation
      container("db", "running", "pgdata", "/var/lib/postgresql/data")};
  const std::vector<engine::VolumeInfo> volumes{
      volume("3f9a0c", {}, 100),
      volume("open-webui", {}, 2048),
      volume("mine_ollama_data", {{labels::kInstallation, "mine"}}),
      volume("pgdata"),
      volume("ollama", {}, 5),      // named like `-v ollama:/root/.ollama`, no container left
      volume("myproj_open-webui"),  // Open WebUI's compose file in a project
      volume("other_webui_data",
             {{labels::kInstallation, "other"}, {labels::kVolume, "webui_data"}}),
      volume("notollama")};
  const auto found = find_volume_candidates(containers, volumes, "mine", paths, keys);
  std::vector<std::tuple<std::string, std::string, std::string>> got;
  for (const auto& candidate : found)
    got.emplace_back(candidate.service, candidate.volume, candidate.why);
  EXPECT_THAT(got,
              ::testing::ElementsAre(
                  std::make_tuple("ollama", "3f9a0c",
                                  "mounted at /root/.ollama by container ollama (exited)"),
                  std::make_tuple("ollama", "ollama", "named like upstream's `-v ollama:...`"),
                  std::make_tuple("webui", "myproj_open-webui",
                                  "named like the open-webui volume of a compose project"),
                  std::make_tuple("webui", "open-webui",
                                  "mounted at /app/backend/data by container open-webui (running)"),
                  std::make_tuple("webui", "other_webui_data",
                                  "the webui_data volume of ollama-stack installation other")));
  EXPECT_EQ(found.front().bytes, 100);
}

}  // namespace
}  // namespace ollama_stack::stack
