#include "ollama_stack/stack/backup/backup_manifest.hpp"

#include <gtest/gtest.h>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

BackupManifest sample() {
  BackupManifest manifest;
  manifest.created_at = "2026-11-22T06:00:00Z";
  manifest.tool_version = "0.1.0";
  manifest.project = "ollama-stack";
  manifest.platform = "cpu";
  manifest.was_running = true;
  manifest.files = {{"config/.env", 12, std::string(64, 'a')},
                    {"volumes/ollama_data.tar", 10240, std::string(64, 'b')},
                    {"volumes/ollama_data.entries.json", 40, std::string(64, 'c')}};
  BackupVolume volume;
  volume.key = "ollama_data";
  volume.name = "ollama-stack_ollama_data";
  volume.labels = {{"com.docker.compose.project", "ollama-stack"}};
  volume.service = "ollama";
  volume.archive = "volumes/ollama_data.tar";
  volume.entries = "volumes/ollama_data.entries.json";
  volume.files = 2;
  volume.content_bytes = 300;
  manifest.volumes = {volume};
  return manifest;
}

TEST(BackupManifest, RoundTripsThroughJson) {
  auto manifest = sample();
  auto back = manifest_from_json(to_json(manifest), "manifest.json");
  EXPECT_EQ(back.files, manifest.files);
  EXPECT_EQ(back.volumes, manifest.volumes);
  EXPECT_EQ(back.project, "ollama-stack");
  EXPECT_TRUE(back.was_running);
  EXPECT_NE(back.find("config/.env"), nullptr);
  EXPECT_EQ(back.find("config/nope"), nullptr);
}

TEST(BackupManifest, RefusesPathsOutsideTheBackupAndNamesTheMember) {
  auto json = to_json(sample());
  json["files"][0]["path"] = "../../etc/passwd";
  try {
    manifest_from_json(json, "b/manifest.json");
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("b/manifest.json: \"path\" is not a path inside the backup: \"../../etc/passwd\""),
              std::string::npos)
        << error.what();
  }
  json = to_json(sample());
  json["files"][1].erase("sha256");
  EXPECT_THROW(manifest_from_json(json, "m"), Error);
  json = to_json(sample());
  json["format_version"] = 99;
  EXPECT_THROW(manifest_from_json(json, "m"), Error);
  json = to_json(sample());
  json["volumes"][0]["archive"] = "volumes/other.tar";  // not among the files
  EXPECT_THROW(manifest_from_json(json, "m"), Error);
}

TEST(BackupManifest, SafeRelativePaths) {
  EXPECT_TRUE(is_safe_relative_path("config/.env"));
  EXPECT_TRUE(is_safe_relative_path("config/extensions/x/..hidden"));
  EXPECT_FALSE(is_safe_relative_path("/etc/passwd"));
  EXPECT_FALSE(is_safe_relative_path("config/../../x"));
  EXPECT_FALSE(is_safe_relative_path("config//x"));
  EXPECT_FALSE(is_safe_relative_path("./x"));
  EXPECT_FALSE(is_safe_relative_path(""));
}

TEST(BackupManifest, FirstDifferenceNamesTheEntry) {
  std::vector<VolumeEntry> expected{{"ollama-stack-volume/", "dir", 0, "", ""},
                                    {"ollama-stack-volume/big file ü.bin", "file", 5, std::string(64, '1'), ""},
                                    {"ollama-stack-volume/link", "symlink", 0, "", "big file ü.bin"}};
  EXPECT_EQ(first_difference(expected, expected), std::nullopt);
  auto flipped = expected;
  flipped[1].sha256 = std::string(64, '2');
  EXPECT_EQ(first_difference(expected, flipped), "the file 'big file ü.bin' does not match its checksum");
  auto shorter = expected;
  shorter[1].size = 4;
  EXPECT_EQ(first_difference(expected, shorter), "the file 'big file ü.bin' has 4 bytes where the backup had 5");
  auto missing = expected;
  missing.erase(missing.begin() + 1);
  EXPECT_EQ(first_difference(expected, missing), "the file 'big file ü.bin' is missing");
  auto extra = expected;
  extra.push_back({"ollama-stack-volume/new", "file", 1, std::string(64, '3'), ""});
  EXPECT_EQ(first_difference(expected, extra), "'new' is not in the backup");
  auto relinked = expected;
  relinked[2].target = "elsewhere";
  EXPECT_EQ(first_difference(expected, relinked), "the link 'link' points elsewhere than in the backup");
}

TEST(BackupManifest, EntriesRoundTrip) {
  std::vector<VolumeEntry> entries{{"ollama-stack-volume/a", "file", 3, std::string(64, 'f'), ""},
                                   {"ollama-stack-volume/d", "dir", 0, "", ""},
                                   {"ollama-stack-volume/l", "symlink", 0, "", "a"}};
  EXPECT_EQ(entries_from_json(to_json(entries), "e"), entries);
}

std::optional<std::string> refused(const std::string& path, const std::string& type = "file",
                                   const std::string& target = "") {
  return why_entry_is_refused(VolumeEntry{path, type, 0, "", target});
}

TEST(BackupManifest, RestoreWritesOnlyPlainEntriesInsideTheVolume) {
  EXPECT_EQ(refused("ollama-stack-volume/", "dir"), std::nullopt);
  EXPECT_EQ(refused("ollama-stack-volume/models/blobs/a b", "file"), std::nullopt);
  EXPECT_EQ(refused("ollama-stack-volume/models/", "dir"), std::nullopt);
  EXPECT_EQ(refused("ollama-stack-volume/../escape"), "the entry 'ollama-stack-volume/../escape' is not a relative path inside the volume");
  EXPECT_EQ(refused("/etc/passwd"), "the entry '/etc/passwd' is not a relative path inside the volume");
  EXPECT_EQ(refused("elsewhere/x"), "the entry 'elsewhere/x' is not a relative path inside the volume");
  EXPECT_EQ(refused("ollama-stack-volume/./x"), "the entry 'ollama-stack-volume/./x' is not a relative path inside the volume");
  EXPECT_EQ(refused("ollama-stack-volume/dev", "other"),
            "'dev' is not a file, a directory or a link (devices, pipes and sockets are not restored)");
}

TEST(BackupManifest, LinksMustStayInsideTheVolume) {
  EXPECT_EQ(refused("ollama-stack-volume/a/link", "symlink", "b"), std::nullopt);
  EXPECT_EQ(refused("ollama-stack-volume/a/link", "symlink", "../c/./d"), std::nullopt);
  EXPECT_EQ(refused("ollama-stack-volume/a/link", "symlink", "../.."), "the symlink 'a/link' points outside the volume ('../..')");
  EXPECT_EQ(refused("ollama-stack-volume/link", "symlink", "../ollama-stack-volume/x"), std::nullopt);
  EXPECT_EQ(refused("ollama-stack-volume/link", "symlink", "/etc/shadow"), "the symlink 'link' points outside the volume ('/etc/shadow')");
  EXPECT_EQ(refused("ollama-stack-volume/hard", "hardlink", "ollama-stack-volume/a/b"), std::nullopt);
  EXPECT_EQ(refused("ollama-stack-volume/hard", "hardlink", "etc/passwd"), "the hard link 'hard' points outside the volume ('etc/passwd')");
  EXPECT_EQ(refused("ollama-stack-volume/hard", "hardlink", "ollama-stack-volume/../x"), "the hard link 'hard' points outside the volume ('ollama-stack-volume/../x')");
}

TEST(BackupManifest, OnlyTheHomesOwnFilesAreRestorableConfig) {
  for (const char* path : {".env", ".ollama-stack.json", "mcp/config.json", "compose/docker-compose.override.yml",
                           "extensions/mine/mcp-config.json"})
    EXPECT_TRUE(is_restorable_config(path)) << path;
  for (const char* path : {"lock", "../.bashrc", "compose/evil.yml", "extensions/../.env", ".ssh/authorized_keys"})
    EXPECT_FALSE(is_restorable_config(path)) << path;
}

}  // namespace
}  // namespace ollama_stack::stack
