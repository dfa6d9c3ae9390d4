#include "ollama_stack/stack/cleanup/cleanup.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "util/temp_dir.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;
using Kind = CleanupItem::Kind;

constexpr const char* kHome = "/home/u/.ollama-stack";

engine::ContainerSummary container(const std::string& name, const std::string& state,
                                   engine::Labels labels, std::vector<std::string> networks = {}) {
  engine::ContainerSummary summary;
  summary.id = "id-" + name;
  summary.name = name;
  summary.state = state;
  summary.status = state == "exited" ? "Exited (1) 2 minutes ago" : "Up 5 minutes";
  summary.labels = std::move(labels);
  summary.networks = std::move(networks);
  return summary;
}

engine::Labels service_of(const std::string& project, const std::string& service,
                          const std::string& installation) {
  return {{"com.docker.compose.project", project},
          {"com.docker.compose.service", service},
          {"com.docker.compose.project.working_dir", kHome},
          {"ollama-stack.installation", installation}};
}

engine::NetworkInfo network(const std::string& name, const std::string& installation) {
  return {"net-" + name, name, "bridge", {{"ollama-stack.installation", installation}}, {}};
}

engine::VolumeInfo volume(const std::string& name, engine::Labels labels) {
  return {name, "local", "", std::move(labels), -1};
}

CleanupFacts facts() {
  CleanupFacts facts;
  facts.installation = "osk";
  facts.core_known = true;
  facts.core_services = {"ollama", "webui", "mcp_proxy"};
  facts.core_working_dir = kHome;
  facts.declared_volumes = {"osk_ollama", "osk_webui", "osk_mcp_config"};
  return facts;
}

std::vector<std::string> names(const std::vector<CleanupItem>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(to_string(item.kind) + " " + item.name);
  return out;
}

TEST(CleanupSelect, ChoosesStoppedOrphanedAndHelperContainersNeverRunningOrOthers) {
  auto f = facts();
  f.containers = {
      container("osk-ollama-1", "running", service_of("osk", "ollama", "osk"), {"osk_default"}),
      container("osk-webui-1", "exited", service_of("osk", "webui", "osk")),
      container("osk-old-1", "exited", service_of("osk", "old", "osk")),  // orphan, stopped
      container("osk-gone-1", "running",
                service_of("osk", "gone", "osk")),  // orphan, running: kept
      container("osk-ext-x-y-1", "created", service_of("osk-ext-x", "y", "osk")),
      container("osk-paused-1", "paused", service_of("osk", "webui", "osk")),
      container("other-webui-1", "exited", service_of("other", "webui", "other")),
      container("unlabelled", "exited", {}),
      container(
          "osk_ollama-access-1a2b", "created",
          {{"ollama-stack.installation", "osk"}, {"ollama-stack.volume-access", "osk_ollama"}}),
      container(
          "other_ollama-access-1a2b", "created",
          {{"ollama-stack.installation", "other"}, {"ollama-stack.volume-access", "other_ollama"}}),
  };
  auto plan = select_cleanup(f, false);
  EXPECT_EQ(names(plan.items),
            (std::vector<std::string>{"container osk-webui-1", "container osk-old-1",
                                      "container osk-ext-x-y-1", "helper osk_ollama-access-1a2b"}));
  EXPECT_EQ(plan.items[0].id, "id-osk-webui-1");
  EXPECT_EQ(plan.items[0].reason, "not running: Exited (1) 2 minutes ago");
  EXPECT_EQ(plan.items[1].reason,
            "orphaned: service old is no longer in the project (Exited (1) 2 minutes ago)");
  EXPECT_NE(plan.items[3].reason.find("volume osk_ollama"), std::string::npos);
  ASSERT_EQ(names(plan.kept), (std::vector<std::string>{"container osk-gone-1"}));
  EXPECT_NE(plan.kept[0].reason.find("stop it first"), std::string::npos);
}

TEST(CleanupSelect, WithoutTheComposeModelNothingIsCalledAnOrphan) {
  auto f = facts();
  f.core_known = false;
  f.containers = {container("osk-old-1", "exited", service_of("osk", "old", "osk")),
                  container("osk-gone-1", "running", service_of("osk", "gone", "osk"))};
  auto plan = select_cleanup(f, false);
  ASSERT_EQ(names(plan.items), (std::vector<std::string>{"container osk-old-1"}));
  EXPECT_EQ(plan.items[0].reason, "not running: Exited (1) 2 minutes ago");
  EXPECT_TRUE(plan.kept.empty());
}

TEST(CleanupSelect, TheSameProjectNameFromAnotherHomeIsKept) {
  auto f = facts();
  auto labels = service_of("osk", "webui", "osk");
  labels["com.docker.compose.project.working_dir"] = "/home/someone-else/.ollama-stack";
  f.containers = {container("osk-webui-1", "exited", labels)};
  auto plan = select_cleanup(f, false);
  EXPECT_TRUE(plan.items.empty());
  ASSERT_EQ(plan.kept.size(), 1u);
  EXPECT_NE(plan.kept[0].reason.find("/home/someone-else/.ollama-stack"), std::string::npos);
}

TEST(CleanupSelect, ANetworkGoesWhenOnlyContainersThatGoUsedIt) {
  auto f = facts();
  f.containers = {
      container("osk-ollama-1", "running", service_of("osk", "ollama", "osk"), {"osk_default"}),
      container("osk-old-1", "exited", service_of("osk", "old", "osk"), {"osk_old"}),
      container("stranger", "exited", {}, {"osk_shared"})};  // a container that stays
  f.networks = {network("osk_default", "osk"), network("osk_old", "osk"),
                network("osk_shared", "osk"), network("osk_unused", "osk"),
                network("other_unused", "other")};
  auto plan = select_cleanup(f, false);
  EXPECT_EQ(names(plan.items), (std::vector<std::string>{"container osk-old-1", "network osk_old",
                                                         "network osk_unused"}));
  EXPECT_EQ(plan.items[1].id, "net-osk_old");
  EXPECT_EQ(plan.items[1].reason, "no container uses it");
}

TEST(CleanupSelect, VolumesOnlyOnRequestAndNeverDeclaredUsedOrPreRestoreOnes) {
  auto f = facts();
  auto mounted = container("osk-ollama-1", "running", service_of("osk", "ollama", "osk"));
  mounted.mounts.push_back({"volume", "osk_inuse", "", "/data", true});
  f.containers = {mounted};
  const engine::Labels ours{{"ollama-stack.installation", "osk"}};
  f.volumes = {
      volume("osk_ollama", ours),  // declared: the models
      volume("osk_webui", ours),   // declared: the chats
      volume("osk_inuse", ours),
      volume("osk_stale",
             {{"ollama-stack.installation", "osk"}, {"com.docker.compose.project", "osk"}}),
      volume("osk_ollama-pre-restore-1a2b",
             {{"ollama-stack.installation", "osk"}, {"ollama-stack.pre-restore-of", "osk_ollama"}}),
      volume("osk-ext-bad_data",
             {{"ollama-stack.installation", "osk"}, {"com.docker.compose.project", "osk-ext-bad"}}),
      volume("other_stale", {{"ollama-stack.installation", "other"}})};
  f.unreadable_projects = {"osk-ext-bad"};
  EXPECT_TRUE(select_cleanup(f, false).items.empty()) << "volumes only with --remove-volumes";
  auto plan = select_cleanup(f, true);
  ASSERT_EQ(names(plan.items), (std::vector<std::string>{"volume osk_stale"}));
  EXPECT_EQ(names(plan.kept), (std::vector<std::string>{"volume osk_ollama", "volume osk_webui",
                                                        "volume osk_ollama-pre-restore-1a2b",
                                                        "volume osk-ext-bad_data"}));
  EXPECT_NE(plan.kept[2].reason.find("interrupted restore"), std::string::npos);

  f.core_known = false;  // without the model no volume can be told apart from the stack's own
  plan = select_cleanup(f, true);
  EXPECT_TRUE(plan.items.empty());
}

TEST(CleanupSelect, PartialBackupsComeLast) {
  auto f = facts();
  f.partial_backups = {"/tmp/ollama-stack-backup-osk-20260101T000000Z.partial"};
  f.networks = {network("osk_unused", "osk")};
  auto plan = select_cleanup(f, false);
  EXPECT_EQ(names(plan.items),
            (std::vector<std::string>{
                "network osk_unused",
                "partial-backup /tmp/ollama-stack-backup-osk-20260101T000000Z.partial"}));
}

TEST(CleanupPartialBackups, DefaultNamesOfThisProjectOnly) {
  EXPECT_TRUE(
      is_default_partial_backup_name("ollama-stack-backup-osk-20261201T223015Z.partial", "osk"));
  EXPECT_TRUE(is_default_partial_backup_name(
      "ollama-stack-backup-osk-20261201T223015Z.tar.gz.partial", "osk"));
  EXPECT_FALSE(
      is_default_partial_backup_name("ollama-stack-backup-osk-2-20261201T223015Z.partial", "osk"));
  EXPECT_FALSE(is_default_partial_backup_name("ollama-stack-backup-osk-20261201T223015Z", "osk"));
  EXPECT_FALSE(is_default_partial_backup_name(
      "ollama-stack-backup-osk-20261201T223015Z.partial.old", "osk"));
  EXPECT_FALSE(
      is_default_partial_backup_name("ollama-stack-backup-osk-2026120T223015Z.partial", "osk"));
  EXPECT_FALSE(
      is_default_partial_backup_name("ollama-stack-backup-other-20261201T223015Z.partial", "osk"));
}

TEST(CleanupPartialBackups, FoundByNameOrByTheStagedModelNeverThroughASymlink) {
  testing::TempDir dir;
  fs::create_directory(dir / "ollama-stack-backup-osk-20261201T223015Z.partial");
  fs::create_directories(dir / "mine.partial" / "content" / "compose");
  std::ofstream(dir / "mine.partial" / "content" / "compose" / "project.json")
      << R"({"name": "osk"})";
  fs::create_directories(dir / "theirs.partial" / "compose");
  std::ofstream(dir / "theirs.partial" / "compose" / "project.json") << R"({"name": "other"})";
  fs::create_directory(dir / "ollama-stack-backup-other-20261201T223015Z.partial");
  std::ofstream(dir / "ollama-stack-backup-osk-20261201T223016Z.partial");  // a file, not a folder
  fs::create_directory_symlink(dir / "mine.partial",
                               dir / "ollama-stack-backup-osk-20261201T223017Z.partial");
  EXPECT_EQ(find_partial_backups(dir.path(), "osk"),
            (std::vector<fs::path>{dir / "mine.partial",
                                   dir / "ollama-stack-backup-osk-20261201T223015Z.partial"}));
}

}  // namespace
}  // namespace ollama_stack::stack
