// libarchive round trips: a tar's entries with their checksums, and .tar.gz members streamed in
// and out; damaged input is refused with the member's name.
#include "ollama_stack/stack/backup/backup_archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>

#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/sha256.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::stack {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(BackupArchive, TarGzMembersStreamInAndOut) {
  testing::TempDir dir;
  write(dir / "a.txt", "hello");
  std::string big(3 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 % 251);
  write(dir / "big.bin", big);
  {
    TarGzWriter writer(dir / "out.tar.gz");
    uint64_t last = 0;
    writer.add_file("config/a.txt", dir / "a.txt");
    writer.add_file("volumes/v.bin", dir / "big.bin", [&](uint64_t bytes) { last = bytes; });
    writer.close();
    EXPECT_EQ(last, big.size());
  }
  EXPECT_EQ(fs::status(dir / "out.tar.gz").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  std::map<std::string, std::string> digests;
  read_tar_gz(dir / "out.tar.gz", [&](const std::string& name, uint64_t size, const ByteReader& data) {
    util::Sha256 sha;
    char buffer[4096];
    for (size_t got = data(buffer, sizeof buffer); got > 0; got = data(buffer, sizeof buffer))
      sha.update(std::string_view(buffer, got));
    EXPECT_EQ(sha.size(), size) << name;
    digests[name] = sha.hex_digest();
  });
  EXPECT_EQ(digests["config/a.txt"], util::sha256_hex_of("hello"));
  EXPECT_EQ(digests["volumes/v.bin"], util::sha256_hex_of(big));

}

// A plain tar such as the engine's archive API sends: a directory, a file with a unicode name
// and spaces, a symlink.
std::string engine_like_tar(const std::string& content) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_set_options(a, "hdrcharset=BINARY");  // raw UTF-8 names whatever the locale
  archive_write_open(
      a, &out, nullptr,
      [](archive*, void* user, const void* data, size_t size) -> la_ssize_t {
        static_cast<std::string*>(user)->append(static_cast<const char*>(data), size);
        return static_cast<la_ssize_t>(size);
      },
      nullptr);
  auto add = [&](const char* name, int type, const std::string& data, const char* target) {
    archive_entry* entry = archive_entry_new();
    archive_entry_copy_pathname(entry, name);
    archive_entry_set_filetype(entry, static_cast<unsigned>(type));
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(data.size()));
    if (target != nullptr) archive_entry_copy_symlink(entry, target);
    archive_write_header(a, entry);
    if (!data.empty()) archive_write_data(a, data.data(), data.size());
    archive_entry_free(entry);
  };
  add("ollama-stack-volume/", AE_IFDIR, "", nullptr);
  add("ollama-stack-volume/big file ü.bin", AE_IFREG, content, nullptr);
  add("ollama-stack-volume/link", AE_IFLNK, "", "big file ü.bin");
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

ByteReader string_reader(const std::string& text, size_t piece) {
  auto offset = std::make_shared<size_t>(0);
  return [&text, offset, piece](char* buffer, size_t size) {
    size_t n = std::min({size, piece, text.size() - *offset});
    std::memcpy(buffer, text.data() + *offset, n);
    *offset += n;
    return n;
  };
}

TEST(BackupArchive, ScanTarChecksumsEveryEntryFromSmallPieces) {
  std::string content(1024 * 1024 + 3, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 31 % 253);
  const auto tar = engine_like_tar(content);
  auto entries = scan_tar(string_reader(tar, 1000), "volumes/v.tar");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].type, "dir");
  EXPECT_EQ(entries[1].path, "ollama-stack-volume/big file ü.bin");
  EXPECT_EQ(entries[1].type, "file");
  EXPECT_EQ(entries[1].size, content.size());
  EXPECT_EQ(entries[1].sha256, util::sha256_hex_of(content));
  EXPECT_EQ(entries[2].type, "symlink");
  EXPECT_EQ(entries[2].target, "big file ü.bin");

  // One flipped byte in the file's data: the tar still reads, the entry's checksum differs.
  auto flipped = tar;
  flipped[flipped.find(content.substr(5000, 64)) + 10] ^= 1;
  auto damaged = scan_tar(string_reader(flipped, 4096), "volumes/v.tar");
  EXPECT_EQ(first_difference(entries, damaged), "the file 'big file ü.bin' does not match its checksum");
}

TEST(BackupArchive, ScanTarRefusesGarbageNamingTheMember) {
  testing::TempDir dir;
  write(dir / "junk.tar", std::string(1500, 'x'));
  try {
    scan_tar(file_reader(dir / "junk.tar"), "volumes/junk.tar");
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("volumes/junk.tar: damaged tar"), std::string::npos) << error.what();
  }
}

TEST(BackupArchive, TruncatedTarGzIsRefused) {
  testing::TempDir dir;
  std::string noise(2 * 1024 * 1024, '\0');
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 7919) >> 3);
  write(dir / "n.bin", noise);
  {
    TarGzWriter writer(dir / "t.tar.gz");
    writer.add_file("volumes/n.tar", dir / "n.bin");
    writer.close();
  }
  auto whole = slurp(dir / "t.tar.gz");
  write(dir / "cut.tar.gz", whole.substr(0, whole.size() / 2));
  EXPECT_THROW(read_tar_gz(dir / "cut.tar.gz",
                           [](const std::string&, uint64_t, const ByteReader& data) {
                             char buffer[4096];
                             while (data(buffer, sizeof buffer) > 0) {
                             }
                           }),
               Error);
}

TEST(BackupArchive, AFullDiskIsNamedNotJustAWriteError) {
  testing::TempDir dir;
  std::string noise(1024 * 1024, '\0');
  uint32_t state = 7;
  for (auto& byte : noise) state ^= state << 13, state ^= state >> 17, state ^= state << 5, byte = static_cast<char>(state);
  write(dir / "model.bin", noise);
  try {
    TarGzWriter writer("/dev/full");  // every write: ENOSPC
    writer.add_file("volumes/model.tar", dir / "model.bin");
    writer.close();
    FAIL() << "writing to a full disk succeeded";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot write /dev/full: Write error (No space left on device)"),
              std::string::npos)
        << error.what();
    EXPECT_NE(error.hint().find("free space"), std::string::npos) << error.hint();
  }
}

}  // namespace
}  // namespace ollama_stack::stack
