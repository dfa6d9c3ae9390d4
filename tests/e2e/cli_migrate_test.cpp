// `migrate` as a process against the real engine with the stand-ins: a volume made by hand (as
// `docker run -v NAME:/root/.ollama` leaves one, with a model pulled into it and 20 MB of files)
// is listed as a candidate, copied into the stack's volume byte for byte (owners kept), refused a
// second time without --force, and the stack then starts on it and serves the model; a home the
// Python ollama-stack wrote is upgraded with copies of its old files kept, after which `check`
// passes and the stack starts.
#include <archive.h>
#include <archive_entry.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ollama_stack/stack/backup/backup_archive.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/service_http.hpp"
#include "support/harness.hpp"
#include "support/tar_stream.hpp"

namespace ollama_stack::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr const char* kTestLabel = "ollama-stack.test";

struct FileFacts {
  std::string sha256;
  int64_t uid = -1;
  bool operator==(const FileFacts&) const = default;
};

class CliMigrateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-migrate");
    env_ = standin_stack_env(project_);
    env_["OLLAMA_STACK_HOME"] = home_.path();
  }
  void TearDown() override {
    if (project_.empty()) return;
    remove_labelled(stack::labels::kProject, project_);
    remove_labelled(stack::labels::kInstallation, project_);
    remove_labelled(kTestLabel, project_);
  }

  RunResult cli(const std::vector<std::string>& args,
                std::chrono::milliseconds timeout = std::chrono::seconds(240)) {
    RunOptions options;
    options.env = env_;
    options.timeout = timeout;
    return run_cli(args, options);
  }

  // A created (never started) container of the test mounting `volume` at /vol.
  std::string mount_container(const std::string& volume) {
    json body{{"Image", standin_image("ollama")},
              {"Labels", {{kTestLabel, project_}}},
              {"HostConfig",
               {{"Mounts", {{{"Type", "volume"}, {"Source", volume}, {"Target", "/vol"}}}}}}};
    return test_engine().create_container(unique_name(project_ + "-vol"), body);
  }

  std::map<std::string, std::string> write_files(const std::string& volume,
                                                 std::vector<GeneratedFile> files) {
    const auto id = mount_container(volume);
    TarStream tar(std::move(files));
    test_engine().put_archive_stream(
        id, "/vol", [&](char* buffer, size_t size) { return tar.read(buffer, size); });
    test_engine().remove_container(id, true, false);
    return tar.digests();
  }

  // Every file of the volume (relative name) with its SHA-256 and owner, streamed through a file.
  std::map<std::string, FileFacts> read_files(const std::string& volume) {
    const auto id = mount_container(volume);
    const std::string path = scratch_.path() + "/" + volume + ".tar";
    {
      std::ofstream out(path, std::ios::binary);
      test_engine().get_archive(id, "/vol", [&](std::string_view bytes) {
        return out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())), true;
      });
    }
    test_engine().remove_container(id, true, false);
    std::map<std::string, FileFacts> files;
    for (const auto& entry : stack::scan_tar(stack::file_reader(path), volume))
      if (entry.type == "file") files[entry.path.substr(4)].sha256 = entry.sha256;  // "vol/"
    archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    EXPECT_EQ(archive_read_open_filename(a, path.c_str(), 65536), ARCHIVE_OK);
    archive_entry* entry = nullptr;
    // ARCHIVE_WARN too, as scan_tar reads: a name such as 日本語 cannot be converted to this
    // process's "C" locale, which libarchive reports as a warning; the UTF-8 name is still there.
    for (int status = archive_read_next_header(a, &entry);
         status == ARCHIVE_OK || status == ARCHIVE_WARN;
         status = archive_read_next_header(a, &entry)) {
      const char* name = archive_entry_pathname_utf8(entry);
      if (name == nullptr) name = archive_entry_pathname(entry);
      const std::string relative = name != nullptr ? std::string(name).substr(4) : "";
      if (files.count(relative)) files[relative].uid = archive_entry_uid(entry);
    }
    archive_read_free(a);
    for (const auto& [name, facts] : files) EXPECT_GE(facts.uid, 0) << "no owner read for " << name;
    fs::remove(path);
    return files;
  }

  // What a user has after `docker run -d -v VOLUME:/root/.ollama -p P:11434 ollama/ollama` and
  // `ollama pull`: the volume with a model in Ollama's layout, and the (now stopped) container.
  void hand_run_ollama_with_a_model(const std::string& volume) {
    auto& engine = test_engine();
    engine.create_volume(volume, "local", {{kTestLabel, project_}});
    const int port = free_port();
    json body{
        {"Image", standin_image("ollama")},
        {"Labels", {{kTestLabel, project_}}},
        {"ExposedPorts", {{"11434/tcp", json::object()}}},
        {"HostConfig",
         {{"Mounts", {{{"Type", "volume"}, {"Source", volume}, {"Target", "/root/.ollama"}}}},
          {"PortBindings",
           {{"11434/tcp", {{{"HostIp", "127.0.0.1"}, {"HostPort", std::to_string(port)}}}}}}}}};
    hand_container_ = engine.create_container(project_ + "-handrun-ollama", body);
    engine.start_container(hand_container_);
    const std::string url = "http://127.0.0.1:" + std::to_string(port);
    ASSERT_TRUE(
        wait_until([&] { return stack::http_request(url + "/api/version", {}).status == 200; },
                   std::chrono::seconds(30)));
    stack::HttpRequestOptions pull;
    pull.method = "POST";
    pull.body = R"({"model": "standin-tiny", "stream": false})";
    ASSERT_EQ(stack::http_request(url + "/api/pull", pull).status, 200);
    engine.stop_container(hand_container_, 5);
  }

  TempDir home_;
  TempDir scratch_;
  std::string project_;
  std::string hand_container_;
  std::map<std::string, std::string> env_;
};

TEST_F(CliMigrateTest, AHandMadeVolumeIsCopiedByteIdenticallyAndTheStackStartsOnIt) {
  const std::string source = project_ + "-ollama";
  hand_run_ollama_with_a_model(source);
  auto written = write_files(source, {{"extra/big ü.bin", 16ull * 1024 * 1024 + 3, 7},
                                      {"extra/日本語/notes.txt", 4ull * 1024 * 1024, 9, 1000},
                                      {"extra/empty", 0, 5}});
  const auto before = read_files(source);
  for (const auto& [name, digest] : written) EXPECT_EQ(before.at(name).sha256, digest) << name;
  EXPECT_EQ(before.at("extra/日本語/notes.txt").uid, 1000);
  ASSERT_GT(before.size(), written.size())
      << "the model's manifest and blobs are in the volume too";

  // Listed as a candidate: mounted at Ollama's data path by the hand-run container.
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  auto candidates = cli({"migrate", "--from-volume", "--json"});
  ASSERT_EQ(candidates.exit_code, 0) << candidates.err;
  bool listed = false;
  // Parsed into a local first: a range-for over a member of a temporary would dangle.
  const auto listing = json::parse(candidates.out);
  for (const auto& candidate : listing["candidates"])
    if (candidate["volume"] == source) {
      listed = true;
      EXPECT_EQ(candidate["service"], "ollama");
      EXPECT_THAT(candidate["why"].get<std::string>(),
                  HasSubstr("mounted at /root/.ollama by container " + project_ +
                            "-handrun-ollama (exited)"));
    }
  EXPECT_TRUE(listed) << candidates.out;

  const std::string target = project_ + "_ollama_data";
  auto dry = cli({"migrate", "--from-volume", "ollama=" + source, "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const auto planned = json::parse(dry.out)["volumes"][0];
  EXPECT_EQ(planned["target"], target);
  EXPECT_EQ(planned["target_exists"], false);
  EXPECT_GE(planned["source_bytes"].get<int64_t>(), 20 * 1024 * 1024);
  EXPECT_EQ(planned["copied"], false);
  EXPECT_FALSE(test_engine().inspect_volume(target)) << "a dry run creates nothing";
  auto human_dry = cli({"migrate", "--from-volume", "ollama=" + source, "--dry-run"});
  EXPECT_THAT(human_dry.out,
              HasSubstr("Volume " + source + " -> " + target + " (service ollama): 20."));
  EXPECT_THAT(human_dry.out, HasSubstr("Dry run: nothing was changed."));

  auto migrated = cli({"migrate", "--from-volume", "ollama=" + source, "--json"});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  const auto copied = json::parse(migrated.out)["volumes"][0];
  EXPECT_EQ(copied["copied"], true);
  EXPECT_EQ(copied["files"].get<size_t>(), before.size());
  EXPECT_EQ(read_files(target), before) << "every file byte-identical, owners kept";
  EXPECT_EQ(read_files(source), before) << "the source is kept as it was";
  const auto volume = test_engine().inspect_volume(target);
  ASSERT_TRUE(volume);
  EXPECT_EQ(volume->labels.at(stack::labels::kProject), project_);
  EXPECT_EQ(volume->labels.at(stack::labels::kVolume), "ollama_data");

  auto again = cli({"migrate", "--from-volume", "ollama=" + source});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("already holds data; pass --force"));

  auto start = cli({"start"});
  ASSERT_EQ(start.exit_code, 0) << start.err;
  auto models = cli({"models", "list", "--json"});
  ASSERT_EQ(models.exit_code, 0) << models.err;
  ASSERT_EQ(json::parse(models.out)["models"].size(), 1u);
  EXPECT_EQ(json::parse(models.out)["models"][0]["name"], "standin-tiny:latest");

  auto while_running = cli({"migrate", "--from-volume", "ollama=" + source, "--force"});
  EXPECT_EQ(while_running.exit_code, 1);
  EXPECT_THAT(while_running.err, HasSubstr("stop the stack first"));
  ASSERT_EQ(cli({"stop"}).exit_code, 0);

  // --force replaces the target's content: a file only the target has goes.
  write_files(target, {{"only-in-target", 10, 1}});
  auto forced = cli({"migrate", "--from-volume", "ollama=" + source, "--force", "--json"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(json::parse(forced.out)["volumes"][0]["replaced"], true);
  EXPECT_EQ(read_files(target), before);
}

TEST_F(CliMigrateTest, BadRequestsAreRefusedBeforeAnythingChanges) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  auto no_service = cli({"migrate", "--from-volume", "nosuch=x"});
  EXPECT_EQ(no_service.exit_code, 2);
  EXPECT_THAT(no_service.err, HasSubstr("the stack has no service nosuch"));
  auto not_a_pair = cli({"migrate", "--from-volume", "ollama"});
  EXPECT_EQ(not_a_pair.exit_code, 2);
  auto no_volume = cli({"migrate", "--from-volume", "ollama=" + project_ + "-nosuch"});
  EXPECT_EQ(no_volume.exit_code, 1);
  EXPECT_THAT(no_volume.err, HasSubstr("there is no volume " + project_ + "-nosuch"));
  auto no_data = cli({"migrate", "--from-volume", "mcp_proxy=x"});
  EXPECT_EQ(no_data.exit_code, 2);
  EXPECT_THAT(no_data.err, HasSubstr("keeps no data in a volume"));
  EXPECT_FALSE(test_engine().inspect_volume(project_ + "_ollama_data"));
}

// The Python ollama-stack's home (ollama_stack_cli/config.py and schemas.py of that tool): its
// AppConfig as pydantic dumps it, and a .env written by python-dotenv's set_key.
constexpr const char* kPythonState = R"({
    "version": "0.2.0",
    "services": {
        "ollama": {"type": "docker", "health_check_url": null},
        "webui": {"type": "docker", "health_check_url": null},
        "mcp_proxy": {"type": "docker", "health_check_url": null}
    },
    "docker_compose_file": "docker-compose.yml",
    "data_directory": "~/.ollama-stack/data",
    "backup_directory": "~/.ollama-stack/backups",
    "platform": {
        "apple": {"compose_file": "docker-compose.apple.yml"},
        "nvidia": {"compose_file": "docker-compose.nvidia.yml"}
    },
    "extensions": {"enabled": ["dia-tts-mcp"], "config": {}}
})";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(CliMigrateTest, AnOlderHomeIsUpgradedWithItsBackupKept) {
  const std::string state_path = home_.path() + "/.ollama-stack.json";
  const std::string env_path = home_.path() + "/.env";
  const std::string old_env =
      "PROJECT_NAME='" + project_ + "'\nWEBUI_SECRET_KEY='your-secret-key-here'\n";
  std::ofstream(state_path) << kPythonState;
  std::ofstream(env_path) << old_env;

  auto check = cli({"check", "--json"});
  EXPECT_EQ(check.exit_code, 1);
  bool reported = false;
  const auto checked = json::parse(check.out);  // a local: see the candidates above
  for (const auto& item : checked["checks"])
    if (item["id"] == "migration") {
      reported = true;
      EXPECT_EQ(item["status"], "fail");
      EXPECT_THAT(item["message"].get<std::string>(),
                  HasSubstr("a migration is due: .ollama-stack.json 0 -> 1, .env 0 -> 1"));
      EXPECT_THAT(item["fix"].get<std::string>(), HasSubstr("ollama-stack migrate"));
    }
  EXPECT_TRUE(reported) << check.out;
  auto refused = cli({"start"});
  EXPECT_EQ(refused.exit_code, 5);
  EXPECT_THAT(refused.err, HasSubstr("written by the Python ollama-stack 0.2.0"));
  EXPECT_THAT(refused.err, HasSubstr("run `ollama-stack migrate`"));

  auto dry = cli({"migrate", "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(json::parse(dry.out)["home"]["due"], true);
  EXPECT_EQ(slurp(state_path), kPythonState);
  EXPECT_EQ(slurp(env_path), old_env);

  auto migrated = cli({"migrate", "--json"});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  const auto home = json::parse(migrated.out)["home"];
  EXPECT_EQ(home["migrated"], true);
  const std::string backup = home["backup"];
  EXPECT_EQ(slurp(backup + "/.ollama-stack.json"), kPythonState);
  EXPECT_EQ(slurp(backup + "/.env"), old_env);
  EXPECT_EQ(json::parse(slurp(state_path))["schema_version"], 1);
  EXPECT_EQ(json::parse(slurp(state_path))["enabled_extensions"], json::array({"dia-tts-mcp"}));
  const std::string new_env = slurp(env_path);
  EXPECT_THAT(new_env, HasSubstr("PROJECT_NAME='" + project_ + "'\n"));
  EXPECT_THAT(new_env, ::testing::Not(HasSubstr("your-secret-key-here")));
  auto human = cli({"migrate"});
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_THAT(human.out, HasSubstr("nothing to migrate"));

  ASSERT_EQ(cli({"install"}).exit_code, 0);  // the Python home had no MCP proxy config
  auto start = cli({"start"});
  ASSERT_EQ(start.exit_code, 0) << start.err;
  EXPECT_THAT(start.err + start.out,
              HasSubstr("dia-tts-mcp"));  // enabled, not installed here: said so
  auto after = cli({"check", "--json"});
  const auto checked_after = json::parse(after.out);
  int home_items = 0;
  for (const auto& item : checked_after["checks"])
    if (item["id"] == "migration" || item["id"] == "state_file" || item["id"] == "env_file") {
      ++home_items;
      EXPECT_EQ(item["status"], "pass") << item.dump();
    }
  EXPECT_EQ(home_items, 3) << after.out;
}

}  // namespace
}  // namespace ollama_stack::e2e
