// restore under hostile input and bad timing, as processes against the real engine: a backup
// can only ever write this installation's own volumes (whatever its manifest names), entries
// that are not plain paths inside the volume are refused by --validate-only and restore alike,
// and an import that fails half-way puts the volumes, the config and the running stack back.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ollama_stack/stack/labels.hpp"
#include "support/backup_edit.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

namespace fs = std::filesystem;
namespace labels = stack::labels;

struct Installation {
  std::string project;
  std::map<std::string, std::string> env;
};

class CliRestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    ours_ = make(home_.path());
  }
  void TearDown() override {
    for (const auto& project : projects_) {
      remove_labelled("ollama-stack.test", project);
      remove_labelled(labels::kInstallation, project);
      remove_labelled(labels::kProject, project);
    }
  }

  Installation make(const std::string& home) {
    Installation installation{unique_name("osk-e2e-restore"), {}};
    installation.env = standin_stack_env(installation.project);
    installation.env["OLLAMA_STACK_HOME"] = home;
    projects_.push_back(installation.project);
    return installation;
  }

  RunResult cli(const Installation& installation, const std::vector<std::string>& args) {
    RunOptions options;
    options.env = installation.env;
    options.timeout = std::chrono::seconds(240);
    return run_cli(args, options);
  }

  // A created (never started) container of the test with `volume` at /vol.
  std::string mount_container(const std::string& volume) {
    nlohmann::json body{
        {"Image", standin_image("ollama")},
        {"Labels", {{"ollama-stack.test", ours_.project}}},
        {"HostConfig",
         {{"Mounts", {{{"Type", "volume"}, {"Source", volume}, {"Target", "/vol"}}}}}}};
    return test_engine().create_container(unique_name("osk-e2e-vol"), body);
  }

  // A file written into a volume through a throwaway container's archive API.
  void put_file(const std::string& volume, const std::string& name, const std::string& content) {
    const std::string id = mount_container(volume);
    const std::string tar = scratch_.path() + "/put.tar";
    write_tar(tar, {{name, "file", content, ""}});
    test_engine().put_archive(id, "/vol", read_text(tar));
    test_engine().remove_container(id, true, false);
  }

  // name -> content of every file in the volume (small test files only).
  std::map<std::string, std::string> files_in(const std::string& volume) {
    auto& engine = test_engine();
    const std::string id = mount_container(volume);
    std::string tar;
    engine.get_archive(id, "/vol", [&](std::string_view bytes) { return tar.append(bytes), true; });
    engine.remove_container(id, true, false);
    std::map<std::string, std::string> files;
    archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_open_memory(a, tar.data(), tar.size());
    archive_entry* entry = nullptr;
    while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
      if (archive_entry_filetype(entry) != AE_IFREG) continue;
      std::string content(static_cast<size_t>(archive_entry_size(entry)), '\0');
      archive_read_data(a, content.data(), content.size());
      files[std::string(archive_entry_pathname(entry)).substr(4)] = content;  // without "vol/"
    }
    archive_read_free(a);
    return files;
  }

  size_t running(const std::string& project) {
    size_t count = 0;
    for (const auto& container : test_engine().list_containers(
             {{"label", {std::string(labels::kProject) + "=" + project}}}, true))
      count += container.state == "running";
    return count;
  }

  size_t pre_restore_copies(const std::string& project) {
    size_t copies = 0;
    for (const auto& volume : test_engine().list_volumes(
             {{"label", {std::string(labels::kInstallation) + "=" + project}}}))
      if (volume.name.find("-pre-restore-") != std::string::npos) ++copies;
    return copies;
  }

  // A directory backup of `installation` with its volumes, in the scratch directory.
  std::string back_up(const Installation& installation, const std::string& name) {
    const std::string dir = scratch_.path() + "/" + name;
    auto backup = cli(installation, {"backup", "--include-volumes", "--output", dir});
    EXPECT_EQ(backup.exit_code, 0) << backup.err;
    return dir;
  }

  TempDir home_;
  TempDir scratch_;
  Installation ours_;
  std::vector<std::string> projects_;
};

TEST_F(CliRestoreTest, ABackupNamingAnotherInstallationOnlyEverWritesThisOnesVolumes) {
  TempDir other_home;
  const auto other = make(other_home.path());
  // Our name is in our .env (not in the environment), as users set it.
  ASSERT_EQ(cli(ours_, {"install"}).exit_code, 0);
  std::ofstream(home_.path() + "/.env", std::ios::app) << "PROJECT_NAME=" << ours_.project << "\n";
  ours_.env.erase("PROJECT_NAME");
  ASSERT_EQ(cli(ours_, {"start"}).exit_code, 0);
  auto other_start = cli(other, {"start"});
  ASSERT_EQ(other_start.exit_code, 0) << other_start.err;
  put_file(ours_.project + "_ollama_data", "ours.txt", "ours");
  put_file(other.project + "_ollama_data", "theirs.txt", "theirs");
  const auto other_volume = test_engine().inspect_volume(other.project + "_ollama_data");
  ASSERT_TRUE(other_volume);

  // The backup is ours, but its manifest claims the other installation's project and volumes.
  const auto dir = back_up(ours_, "hostile");
  auto manifest = read_manifest(dir);
  manifest["project"] = other.project;
  for (auto& volume : manifest["volumes"]) {
    volume["name"] = other.project + "_" + volume["key"].get<std::string>();
    volume["labels"][labels::kProject] = other.project;
    volume["labels"][labels::kInstallation] = other.project;
  }
  write_manifest(dir, manifest);
  std::ofstream(dir + "/config/.env", std::ios::app) << "PROJECT_NAME=" << other.project << "\n";
  reseal_file(dir, "config/.env");
  put_file(ours_.project + "_ollama_data", "after-backup.txt", "gone after the restore");

  auto restore = cli(ours_, {"restore", dir, "--include-volumes", "--force", "--json"});
  ASSERT_EQ(restore.exit_code, 0) << restore.err << restore.out;
  const auto restored = nlohmann::json::parse(restore.out);
  EXPECT_EQ(restored["restored_volumes"],
            nlohmann::json::array({ours_.project + "_mcp_config", ours_.project + "_ollama_data",
                                    ours_.project + "_webui_data"}));
  EXPECT_EQ(running(other.project), 3u) << "the other installation's containers were not stopped";
  EXPECT_EQ(files_in(other.project + "_ollama_data"),
            (std::map<std::string, std::string>{{"theirs.txt", "theirs"}}));
  EXPECT_EQ(test_engine().inspect_volume(other.project + "_ollama_data")->labels,
            other_volume->labels);
  EXPECT_EQ(files_in(ours_.project + "_ollama_data"),
            (std::map<std::string, std::string>{{"ours.txt", "ours"}}));
  const auto ours = test_engine().inspect_volume(ours_.project + "_ollama_data");
  EXPECT_EQ(ours->labels.at(labels::kInstallation), ours_.project)
      << "labelled as ours, not as the manifest says";
  EXPECT_EQ(ours->labels.at(labels::kProject), ours_.project);
  EXPECT_EQ(running(ours_.project), 3u) << "ours was stopped for the restore and started again";
  EXPECT_EQ(pre_restore_copies(ours_.project), 0u) << "the copies of the previous content are gone";
  EXPECT_NE(
      restored["warnings"].dump().find("the backup's .env names the project " + other.project),
      std::string::npos)
      << restored.dump();
  EXPECT_EQ(cli(ours_, {"config", "--json"}).out.find(other.project), std::string::npos)
      << "the restored .env still names this installation";

  // A volume that is neither the stack's nor an extension's is refused, changing nothing.
  manifest = read_manifest(dir);
  manifest["volumes"][0]["key"] = "somebody_elses";
  write_manifest(dir, manifest);
  for (const auto& args :
       {std::vector<std::string>{"restore", dir, "--include-volumes", "--validate-only"},
        std::vector<std::string>{"restore", dir, "--include-volumes", "--force"}}) {
    auto refused = cli(ours_, args);
    EXPECT_EQ(refused.exit_code, 1) << refused.err;
    EXPECT_NE(refused.err.find("is not a volume of this stack"), std::string::npos) << refused.err;
  }
  EXPECT_EQ(running(ours_.project), 3u);
}

TEST_F(CliRestoreTest, EntriesOutsideTheVolumeAreRefusedByValidateOnlyAndRestoreAlike) {
  ASSERT_EQ(cli(ours_, {"start"}).exit_code, 0);
  put_file(ours_.project + "_ollama_data", "kept.txt", "kept");
  const auto good = back_up(ours_, "good");
  const std::string root = "ollama-stack-volume";
  const std::vector<std::pair<std::string, std::vector<TarEntry>>> hostile = {
      {"the entry 'ollama-stack-volume/../escape' is not a relative path inside the volume",
       {{root + "/", "dir", "", ""}, {root + "/../escape", "file", "x", ""}}},
      {"the entry '/etc/osk-absolute' is not a relative path inside the volume",
       {{"/etc/osk-absolute", "file", "x", ""}}},
      {"the symlink 'up' points outside the volume ('../../etc')",
       {{root + "/", "dir", "", ""}, {root + "/up", "symlink", "", "../../etc"}}},
      {"the symlink 'abs' points outside the volume ('/etc/passwd')",
       {{root + "/", "dir", "", ""}, {root + "/abs", "symlink", "", "/etc/passwd"}}},
      {"the hard link 'hl' points outside the volume ('etc/passwd')",
       {{root + "/", "dir", "", ""}, {root + "/hl", "hardlink", "", "etc/passwd"}}},
      {"'fifo' is not a file, a directory or a link",
       {{root + "/", "dir", "", ""}, {root + "/fifo", "fifo", "", ""}}},
  };
  int copy = 0;
  for (const auto& [why, entries] : hostile) {
    const std::string dir = scratch_.path() + "/hostile" + std::to_string(++copy);
    fs::copy(good, dir, fs::copy_options::recursive);
    write_tar(dir + "/volumes/ollama_data.tar", entries);
    reseal_volume(dir, "ollama_data");
    auto validated = cli(ours_, {"restore", dir, "--include-volumes", "--validate-only"});
    EXPECT_EQ(validated.exit_code, 1) << why << "\n" << validated.err;
    EXPECT_NE(validated.err.find("is refused: volumes/ollama_data.tar: " + why), std::string::npos)
        << validated.err;
  }
  // restore refuses exactly the same, before it stops or changes anything.
  auto restore =
      cli(ours_, {"restore", scratch_.path() + "/hostile3", "--include-volumes", "--force"});
  EXPECT_EQ(restore.exit_code, 1) << restore.err;
  EXPECT_NE(restore.err.find("the symlink 'up' points outside the volume"), std::string::npos)
      << restore.err;
  EXPECT_EQ(running(ours_.project), 3u);
  EXPECT_EQ(files_in(ours_.project + "_ollama_data"),
            (std::map<std::string, std::string>{{"kept.txt", "kept"}}));

  // Links that stay inside the volume are what a volume holds: accepted.
  const std::string inside = scratch_.path() + "/inside";
  fs::copy(good, inside, fs::copy_options::recursive);
  write_tar(inside + "/volumes/ollama_data.tar",
            {{root + "/", "dir", "", ""},
             {root + "/models/", "dir", "", ""},
             {root + "/models/a", "file", "a", ""},
             {root + "/models/link", "symlink", "", "a"},
             {root + "/top", "symlink", "", "models/../models/a"},
             {root + "/hard", "hardlink", "", root + "/models/a"}});
  reseal_volume(inside, "ollama_data");
  auto accepted = cli(ours_, {"restore", inside, "--include-volumes", "--validate-only"});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
}

TEST_F(CliRestoreTest, AFailedImportPutsTheVolumesTheConfigAndTheRunningStackBack) {
  ASSERT_EQ(cli(ours_, {"start"}).exit_code, 0);
  put_file(ours_.project + "_webui_data", "webui.db", "chats");
  const auto dir = back_up(ours_, "breaks");
  // Changed after the backup: what a failed restore must leave as it is now.
  put_file(ours_.project + "_ollama_data", "model.bin", "the model");
  std::ofstream(home_.path() + "/.env", std::ios::app) << "# changed after the backup\n";
  const std::string env_now = read_text(home_.path() + "/.env");
  const auto ollama_now = files_in(ours_.project + "_ollama_data");
  const auto webui_now = files_in(ours_.project + "_webui_data");

  // The engine refuses this tar half-way ("a" is a file, so "a/b" cannot be made), after the
  // ollama volume (earlier in the backup) was already restored.
  const std::string root = "ollama-stack-volume";
  write_tar(dir + "/volumes/webui_data.tar", {{root + "/", "dir", "", ""},
                                              {root + "/a", "file", "x", ""},
                                              {root + "/a/b", "file", "y", ""}});
  reseal_volume(dir, "webui_data");
  auto restore = cli(ours_, {"restore", dir, "--include-volumes", "--force"});
  EXPECT_EQ(restore.exit_code, 1) << restore.err;
  EXPECT_NE(restore.err.find("restore failed: restoring volume " + ours_.project + "_webui_data"),
            std::string::npos)
      << restore.err;
  EXPECT_NE(restore.err.find("nothing was changed"), std::string::npos) << restore.err;
  EXPECT_NE(restore.err.find("the stack was started again"), std::string::npos) << restore.err;
  EXPECT_EQ(files_in(ours_.project + "_ollama_data"), ollama_now);
  EXPECT_EQ(files_in(ours_.project + "_webui_data"), webui_now);
  EXPECT_EQ(read_text(home_.path() + "/.env"), env_now);
  EXPECT_EQ(running(ours_.project), 3u);
  EXPECT_EQ(pre_restore_copies(ours_.project), 0u);
  EXPECT_EQ(cli(ours_, {"status"}).exit_code, 0);
}

}  // namespace
}  // namespace ollama_stack::e2e
