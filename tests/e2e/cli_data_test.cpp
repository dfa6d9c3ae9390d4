// update, uninstall, backup and restore as processes against the real engine with the stand-ins:
// known files (a large one, names with spaces and unicode) survive backup → uninstall → restore
// byte for byte; a flipped byte is refused naming the file; another installation is untouched;
// update recreates only the service whose image changed and survives a failed pull.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ollama_stack/stack/backup/backup_archive.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/sha256.hpp"
#include "support/harness.hpp"
#include "support/tar_stream.hpp"

namespace ollama_stack::e2e {
namespace {

namespace fs = std::filesystem;
namespace labels = stack::labels;

class CliDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = make_installation(home_.path());
    env_ = env_for(project_, home_.path());
  }
  void TearDown() override {
    for (const auto& project : projects_) {
      remove_labelled(labels::kProject, project);
      remove_labelled(labels::kInstallation, project);
      remove_labelled("ollama-stack.test", project);
      for (const auto& role : {"ollama", "webui", "mcpo"}) {
        try { test_engine().remove_image(own_image(project, role), false); } catch (const std::exception&) {}
      }
    }
  }

  // A project with its own image names (tags of the stand-ins), so removing its images never
  // touches the stand-in tags other tests use.
  std::string make_installation(const std::string&) {
    auto project = unique_name("osk-e2e-data");
    projects_.push_back(project);
    tag_images(project);
    return project;
  }
  static std::string own_image(const std::string& project, const std::string& role) { return project + "/" + role + ":test"; }
  static void tag_images(const std::string& project) {
    for (const auto& role : {"ollama", "webui", "mcpo"}) test_engine().tag_image(standin_image(role), own_image(project, role));
  }
  std::map<std::string, std::string> env_for(const std::string& project, const std::string& home) {
    auto env = standin_stack_env(project);
    env["OLLAMA_IMAGE"] = own_image(project, "ollama");
    env["WEBUI_IMAGE"] = own_image(project, "webui");
    env["MCP_PROXY_IMAGE"] = own_image(project, "mcpo");
    env["OLLAMA_STACK_HOME"] = home;
    return env;
  }

  RunResult cli(const std::vector<std::string>& args, std::map<std::string, std::string> env = {},
                std::chrono::milliseconds timeout = std::chrono::seconds(300)) {
    RunOptions options;
    options.env = env.empty() ? env_ : env;
    options.timeout = timeout;
    return run_cli(args, options);
  }

  // A created (never started) container of the test mounting `volume` at /vol.
  std::string mount_container(const std::string& volume, const std::string& project) {
    nlohmann::json body{{"Image", standin_image("ollama")},
                        {"Labels", {{"ollama-stack.test", project}}},
                        {"HostConfig", {{"Mounts", {{{"Type", "volume"}, {"Source", volume}, {"Target", "/vol"}}}}}}};
    return test_engine().create_container(unique_name(project + "-vol"), body);
  }

  std::map<std::string, std::string> write_files(const std::string& volume, std::vector<GeneratedFile> files) {
    const auto id = mount_container(volume, project_);
    TarStream tar(std::move(files));
    test_engine().put_archive_stream(id, "/vol", [&](char* buffer, size_t size) { return tar.read(buffer, size); });
    test_engine().remove_container(id, true, false);
    return tar.digests();
  }

  // name (relative to the volume) -> SHA-256 of every file in the volume, streamed.
  std::map<std::string, std::string> read_files(const std::string& volume) {
    const auto id = mount_container(volume, project_);
    // get_archive pushes and scan_tar pulls: the archive goes to a temp file first (streamed).
    const std::string path = scratch_.path() + "/" + volume + ".tar";
    {
      std::ofstream out(path, std::ios::binary);
      test_engine().get_archive(id, "/vol", [&](std::string_view bytes) { return out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())), true; });
    }
    test_engine().remove_container(id, true, false);
    std::map<std::string, std::string> digests;
    for (const auto& entry : stack::scan_tar(stack::file_reader(path), volume))
      if (entry.type == "file") digests[entry.path.substr(std::string("vol/").size())] = entry.sha256;
    fs::remove(path);
    return digests;
  }

  size_t count_labelled(const std::string& key, const std::string& value) {
    engine::Filters filters{{"label", {key + "=" + value}}};
    auto& engine = test_engine();
    return engine.list_containers(filters, true).size() + engine.list_networks(filters).size() +
           engine.list_volumes(filters).size();
  }

  TempDir home_;
  TempDir scratch_;
  std::string project_;
  std::vector<std::string> projects_;
  std::map<std::string, std::string> env_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(CliDataTest, BackupUninstallRestoreIsByteIdenticalAndStartsHealthy) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  auto start = cli({"start", "--json"});
  ASSERT_EQ(start.exit_code, 0) << start.err;
  const std::string env_before = slurp(home_.path() + "/.env");

  auto ollama_files = write_files(project_ + "_ollama_data",
                                  {{"models/blobs/big model ü.bin", 200ull * 1024 * 1024 + 7, 7},
                                   {"models/manifests/with space/日本語 tag", 1234, 3},
                                   {"empty file", 0, 5}});
  auto webui_files = write_files(project_ + "_webui_data", {{"webui.db", 300 * 1024 + 1, 11}, {"uploads/chat export ✓.json", 999, 13}});
  const auto ollama_before = read_files(project_ + "_ollama_data");
  const auto webui_before = read_files(project_ + "_webui_data");
  for (const auto& [name, digest] : ollama_files) EXPECT_EQ(ollama_before.at(name), digest) << name;
  for (const auto& [name, digest] : webui_files) EXPECT_EQ(webui_before.at(name), digest) << name;

  const std::string archive = scratch_.path() + "/backup.tar.gz";
  auto backup = cli({"backup", "--include-volumes", "--compress", "--output", archive, "--json"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  auto backed_up = nlohmann::json::parse(backup.out);
  EXPECT_EQ(backed_up["verified"], true);
  EXPECT_EQ(backed_up["compressed"], true);
  EXPECT_EQ(backed_up["volumes"].size(), 3u) << backup.out;  // ollama_data, webui_data, mcp_config
  EXPECT_TRUE(fs::is_regular_file(archive));
  EXPECT_FALSE(fs::exists(archive + ".partial")) << "no staging left behind";

  auto uninstall = cli({"uninstall", "--all", "--force", "--json"});
  ASSERT_EQ(uninstall.exit_code, 0) << uninstall.err << uninstall.out;
  EXPECT_EQ(count_labelled(labels::kInstallation, project_), 0u) << "containers, networks, volumes of the installation";
  EXPECT_EQ(count_labelled(labels::kProject, project_), 0u);
  for (const auto& role : {"ollama", "webui", "mcpo"}) EXPECT_FALSE(test_engine().inspect_image(own_image(project_, role))) << role;
  EXPECT_TRUE(test_engine().inspect_image(standin_image("ollama"))) << "the shared stand-in tag is not this installation's";
  EXPECT_FALSE(fs::exists(home_.path() + "/.env"));

  tag_images(project_);  // as `start` would pull them again
  auto restore = cli({"restore", archive, "--include-volumes", "--json"});
  ASSERT_EQ(restore.exit_code, 0) << restore.err << restore.out;
  auto restored = nlohmann::json::parse(restore.out);
  EXPECT_EQ(restored["restored_volumes"].size(), 3u) << "models, chats and the MCP config";
  EXPECT_EQ(slurp(home_.path() + "/.env"), env_before) << "the secret and settings come back";
  EXPECT_EQ(read_files(project_ + "_ollama_data"), ollama_before);
  EXPECT_EQ(read_files(project_ + "_webui_data"), webui_before);
  auto volume = test_engine().inspect_volume(project_ + "_ollama_data");
  ASSERT_TRUE(volume);
  EXPECT_EQ(volume->labels[labels::kInstallation], project_);
  EXPECT_EQ(volume->labels[labels::kProject], project_);

  auto again = cli({"start", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto status = cli({"status", "--json"});
  EXPECT_EQ(status.exit_code, 0) << status.out;

  // One flipped byte in the middle of the archive (inside the large model's data).
  std::string bytes = slurp(archive);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);
  const std::string flipped = scratch_.path() + "/flipped.tar.gz";
  std::ofstream(flipped, std::ios::binary) << bytes;
  auto refused = cli({"restore", flipped, "--validate-only"});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("is corrupt"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("volumes/ollama_data.tar"), std::string::npos) << refused.err;
}

TEST_F(CliDataTest, FlippedByteInADirectoryBackupIsRefusedNamingTheFile) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  ASSERT_EQ(cli({"start"}).exit_code, 0);
  write_files(project_ + "_ollama_data", {{"models/a b ü.bin", 100000, 21}});
  const std::string dir = scratch_.path() + "/backup";
  auto backup = cli({"backup", "--include-volumes", "--output", dir});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_NE(backup.out.find("verified"), std::string::npos) << backup.out;
  auto valid = cli({"restore", dir, "--validate-only", "--json"});
  ASSERT_EQ(valid.exit_code, 0) << valid.err;
  EXPECT_EQ(nlohmann::json::parse(valid.out)["valid"], true);

  // A byte inside the file's data in the volume's tar: named down to the file in the volume.
  const std::string tar = dir + "/volumes/ollama_data.tar";
  std::string bytes = slurp(tar);
  const auto at = bytes.size() / 2;
  bytes[at] = static_cast<char>(bytes[at] ^ 1);
  std::ofstream(tar, std::ios::binary | std::ios::trunc) << bytes;
  auto refused = cli({"restore", dir, "--validate-only"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("volumes/ollama_data.tar: the file 'models/a b ü.bin' does not match its checksum"),
            std::string::npos)
      << refused.err;
  bytes[at] = static_cast<char>(bytes[at] ^ 1);
  std::ofstream(tar, std::ios::binary | std::ios::trunc) << bytes;

  // A byte of the .env: named, and a real restore refuses too, changing nothing.
  const std::string env_copy = dir + "/config/.env";
  std::string env_text = slurp(env_copy);
  env_text[0] = static_cast<char>(env_text[0] ^ 1);
  std::ofstream(env_copy, std::ios::binary | std::ios::trunc) << env_text;
  const std::string home_env = slurp(home_.path() + "/.env");
  auto refused_restore = cli({"restore", dir, "--include-volumes", "--force"});
  EXPECT_EQ(refused_restore.exit_code, 1);
  EXPECT_NE(refused_restore.err.find("config/.env does not match its checksum"), std::string::npos) << refused_restore.err;
  EXPECT_EQ(slurp(home_.path() + "/.env"), home_env);
  EXPECT_EQ(cli({"status"}).exit_code, 0) << "the running stack was not stopped";

  // Repaired, it restores into the running stack: stopped, volume replaced, started again.
  env_text[0] = static_cast<char>(env_text[0] ^ 1);
  std::ofstream(env_copy, std::ios::binary | std::ios::trunc) << env_text;
  const auto before = read_files(project_ + "_ollama_data");
  write_files(project_ + "_ollama_data", {{"models/added after the backup", 10, 1}});
  auto restore = cli({"restore", dir, "--include-volumes", "--force", "--json"});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  auto restored = nlohmann::json::parse(restore.out);
  EXPECT_EQ(restored["was_running"], true);
  EXPECT_EQ(restored["restarted"], true);
  EXPECT_EQ(read_files(project_ + "_ollama_data"), before) << "the volume is exactly the backup's again";
  EXPECT_EQ(cli({"status"}).exit_code, 0) << "started again, healthy";
}

TEST_F(CliDataTest, UninstallLeavesAnotherInstallationAlone) {
  TempDir other_home;
  const auto other = make_installation(other_home.path());
  const auto other_env = env_for(other, other_home.path());
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  ASSERT_EQ(cli({"install"}, other_env).exit_code, 0);
  ASSERT_EQ(cli({"start"}).exit_code, 0);
  auto other_start = cli({"start"}, other_env);
  ASSERT_EQ(other_start.exit_code, 0) << other_start.err;
  const auto other_before = count_labelled(labels::kInstallation, other);
  EXPECT_GE(other_before, 7u);  // 3 containers, a network, 3 volumes (models, chats, the MCP config)

  auto dry = cli({"uninstall", "--all", "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  auto plan = nlohmann::json::parse(dry.out)["plan"];
  EXPECT_EQ(plan["containers"].size(), 3u);
  EXPECT_EQ(plan["volumes"].size(), 3u);
  EXPECT_TRUE(plan["volumes"][0]["size_bytes"].is_number()) << plan.dump();
  EXPECT_EQ(count_labelled(labels::kInstallation, project_), 7u) << "a dry run changes nothing";

  auto refused = cli({"uninstall", "--remove-volumes"});
  EXPECT_EQ(refused.exit_code, 2) << "no terminal and no --force";
  EXPECT_NE(refused.err.find("--force"), std::string::npos);
  EXPECT_EQ(count_labelled(labels::kInstallation, project_), 7u);

  auto removed = cli({"uninstall", "--all", "--force"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(count_labelled(labels::kInstallation, project_), 0u);
  EXPECT_EQ(count_labelled(labels::kInstallation, other), other_before);
  for (const auto& role : {"ollama", "webui", "mcpo"}) EXPECT_TRUE(test_engine().inspect_image(own_image(other, role))) << role;
  EXPECT_EQ(cli({"status"}, other_env).exit_code, 0) << "the other installation still runs healthy";
}

std::map<std::string, std::string> container_ids(const std::string& project) {
  std::map<std::string, std::string> ids;
  for (const auto& container : test_engine().list_containers({{"label", {std::string(labels::kProject) + "=" + project}}}, true))
    ids[container.labels.at(labels::kService)] = container.id;
  return ids;
}

TEST_F(CliDataTest, UpdateRecreatesOnlyTheServiceWhoseImageChangedAndSurvivesAFailedPull) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  ASSERT_EQ(cli({"start"}).exit_code, 0);
  const auto before = container_ids(project_);
  ASSERT_EQ(before.size(), 3u);

  // A pull that cannot succeed (nothing listens there): exit 1, the running stack untouched.
  auto unreachable = env_;
  unreachable["MCP_PROXY_IMAGE"] = "127.0.0.1:" + std::to_string(free_port()) + "/osk-nope/mcpo:1";
  auto failed = cli({"update", "--services", "--json"}, unreachable);
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  auto report = nlohmann::json::parse(failed.out);
  bool saw_failure = false;
  for (const auto& image : report["images"])
    if (image["outcome"] == "failed") saw_failure = image["reference"] == unreachable["MCP_PROXY_IMAGE"];
  EXPECT_TRUE(saw_failure) << failed.out;
  EXPECT_NE(failed.err.find("osk-nope/mcpo:1"), std::string::npos) << failed.err;
  EXPECT_EQ(container_ids(project_), before);

  // A new image under the ollama service's name (a local rebuild): only ollama is recreated.
  const auto old_id = test_engine().inspect_image(own_image(project_, "ollama"))->id;
  TempDir context;
  std::ofstream(context.path() + "/Dockerfile") << "FROM " << own_image(project_, "ollama") << "\nLABEL osk.rebuilt=" << project_ << "\n";
  auto tar = run_program("/bin/tar", {"-C", context.path(), "-cf", context.path() + "/c.tar", "Dockerfile"});
  ASSERT_EQ(tar.exit_code, 0);
  const auto new_id = test_engine().build_image(slurp(context.path() + "/c.tar"), own_image(project_, "ollama"), "", {}, "", nullptr);
  ASSERT_NE(new_id, old_id);
  auto extensions_only = cli({"update", "--extensions", "--json"});
  ASSERT_EQ(extensions_only.exit_code, 0) << extensions_only.err;
  EXPECT_TRUE(nlohmann::json::parse(extensions_only.out)["images"].empty()) << "no extension is enabled: nothing to pull";
  EXPECT_TRUE(nlohmann::json::parse(extensions_only.out)["recreated"].empty());
  EXPECT_EQ(container_ids(project_), before) << "--extensions leaves the core services alone";
  auto pulled_only = cli({"update", "--no-restart", "--json"});
  ASSERT_EQ(pulled_only.exit_code, 0) << pulled_only.err;
  EXPECT_TRUE(nlohmann::json::parse(pulled_only.out)["recreated"].empty());
  EXPECT_EQ(container_ids(project_), before) << "--no-restart leaves the running stack alone";

  auto updated = cli({"update", "--json"});
  ASSERT_EQ(updated.exit_code, 0) << updated.err << updated.out;
  auto result = nlohmann::json::parse(updated.out);
  EXPECT_EQ(result["recreated"], nlohmann::json::array({"ollama"})) << updated.out;
  for (const auto& image : result["images"]) {
    if (image["reference"] == own_image(project_, "ollama")) {
      EXPECT_EQ(image["old_id"], old_id);
      EXPECT_EQ(image["new_id"], test_engine().inspect_image(own_image(project_, "ollama"))->id);
      EXPECT_EQ(image["changed"], true);
    } else {
      EXPECT_EQ(image["changed"], false) << image.dump();
    }
  }
  const auto after = container_ids(project_);
  EXPECT_NE(after.at("ollama"), before.at("ollama"));
  EXPECT_EQ(after.at("webui"), before.at("webui"));
  EXPECT_EQ(after.at("mcp_proxy"), before.at("mcp_proxy"));
  EXPECT_EQ(cli({"status"}).exit_code, 0);
}

}  // namespace
}  // namespace ollama_stack::e2e
