#include "ollama_stack/engine/cgroup_stats.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "ollama_stack/engine/client.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::engine {
namespace {

using ollama_stack::testing::spit;
using ollama_stack::testing::TempDir;
namespace fs = std::filesystem;

const std::string kId = "af50477ae9b201448d9ea8e2dbe92b8624b51213beca8208e2f583683a7cae66";

// A fake /proc (pid 42) and cgroup mounts under one temp dir.
class CgroupStatsTest : public ::testing::Test {
 protected:
  fs::path proc() const { return dir_ / "proc"; }
  fs::path cgroup() const { return dir_ / "cgroup"; }

  void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    spit(path, text);
  }
  void mountinfo(const std::string& lines) { write(proc() / "self" / "mountinfo", lines); }
  void membership(const std::string& lines) { write(proc() / "42" / "cgroup", lines); }
  void meminfo() { write(proc() / "meminfo", "MemTotal:       24576000 kB\nMemFree:         1000 kB\n"); }

  std::optional<StatsSample> read(std::string_view id = kId) { return read_cgroup_stats(42, id, {proc()}); }

  TempDir dir_;
};

TEST_F(CgroupStatsTest, ReadsCgroupV1CpuacctAndMemory) {
  const auto base = cgroup().string();
  mountinfo("30 25 0:26 / " + base + "/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct\n" +
            "31 25 0:27 / " + base + "/memory rw,nosuid - cgroup cgroup rw,memory\n" +
            "24 1 0:22 / /sys rw - sysfs sysfs rw\n");
  membership("4:memory:/docker/" + kId + "\n2:cpu,cpuacct:/docker/" + kId + "\n0::/docker/" + kId + "\n");
  write(cgroup() / "cpu,cpuacct" / "docker" / kId / "cpuacct.usage", "123456789\n");
  const auto memory = cgroup() / "memory" / "docker" / kId;
  write(memory / "memory.usage_in_bytes", "52428800\n");
  write(memory / "memory.stat", "cache 100\ninactive_file 7\ntotal_inactive_file 2097152\n");
  write(memory / "memory.limit_in_bytes", "9223372036854771712\n");
  meminfo();

  auto sample = read();
  ASSERT_TRUE(sample.has_value());
  EXPECT_EQ(sample->cpu_total, 123456789u);
  EXPECT_EQ(sample->memory_usage, 52428800u);
  EXPECT_EQ(sample->memory_inactive_file, 2097152u) << "v1 reports the hierarchy's total_inactive_file";
  EXPECT_EQ(sample->memory_limit, 24576000ull * 1024) << "no cgroup limit: the host's memory, as docker stats";
  EXPECT_EQ(sample->online_cpus, 1);
}

TEST_F(CgroupStatsTest, ReadsCgroupV2UnderAMountWithItsOwnRoot) {
  // The unified hierarchy mounted with root /system.slice (as inside a cgroup namespace).
  mountinfo("29 24 0:25 /system.slice " + cgroup().string() + " rw - cgroup2 cgroup2 rw,nsdelegate\n");
  membership("0::/system.slice/docker-" + kId + ".scope\n");
  const auto scope = cgroup() / ("docker-" + kId + ".scope");
  write(scope / "cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
  write(scope / "memory.current", "1048576\n");
  write(scope / "memory.stat", "anon 1000\nfile 10\ninactive_file 4096\n");
  write(scope / "memory.max", "536870912\n");

  auto sample = read();
  ASSERT_TRUE(sample.has_value());
  EXPECT_EQ(sample->cpu_total, 2500000u) << "usage_usec in ns";
  EXPECT_EQ(sample->memory_usage, 1048576u);
  EXPECT_EQ(sample->memory_inactive_file, 4096u);
  EXPECT_EQ(sample->memory_limit, 536870912u);
}

TEST_F(CgroupStatsTest, CgroupV2WithoutALimitReportsTheHostMemory) {
  mountinfo("29 24 0:25 / " + cgroup().string() + " rw - cgroup2 cgroup2 rw\n");
  membership("0::/docker/" + kId + "\n");
  write(cgroup() / "docker" / kId / "cpu.stat", "usage_usec 1\n");
  write(cgroup() / "docker" / kId / "memory.current", "10\n");
  write(cgroup() / "docker" / kId / "memory.max", "max\n");
  meminfo();
  auto sample = read();
  ASSERT_TRUE(sample.has_value());
  EXPECT_EQ(sample->memory_limit, 24576000ull * 1024);
}

TEST_F(CgroupStatsTest, AProcessOfAnotherCgroupIsNotThisContainer) {
  // A remote engine's pid means some unrelated local process: its cgroup does not name the id.
  mountinfo("29 24 0:25 / " + cgroup().string() + " rw - cgroup2 cgroup2 rw\n");
  membership("0::/user.slice/session-1.scope\n");
  write(cgroup() / "user.slice" / "session-1.scope" / "cpu.stat", "usage_usec 1\n");
  write(cgroup() / "user.slice" / "session-1.scope" / "memory.current", "10\n");
  EXPECT_FALSE(read().has_value());
}

TEST_F(CgroupStatsTest, MissingFilesOrPidGiveNothing) {
  EXPECT_FALSE(read().has_value()) << "no /proc/42";
  EXPECT_FALSE(read_cgroup_stats(0, kId, {proc()}).has_value());
  mountinfo("29 24 0:25 / " + cgroup().string() + " rw - cgroup2 cgroup2 rw\n");
  membership("0::/docker/" + kId + "\n");
  EXPECT_FALSE(read().has_value()) << "the cgroup's files are missing";
}

TEST_F(CgroupStatsTest, TwoSamplesGiveCpuPercentOfOneCore) {
  StatsSample before, after;
  before.online_cpus = after.online_cpus = 1;
  before.cpu_total = 1'000'000'000;
  after.cpu_total = 1'050'000'000;  // 50 ms of CPU
  before.system_cpu = 5'000'000'000;
  after.system_cpu = 5'100'000'000;  // over 100 ms
  EXPECT_DOUBLE_EQ(compute_usage(before, after).cpu_percent, 50.0);
}

TEST(CgroupStatsHostTest, ThisProcessIsNotAContainer) {
  // On the real /proc: the test's own cgroup never contains a container id it was not given.
  EXPECT_FALSE(read_cgroup_stats(::getpid(), kId).has_value());
}

}  // namespace
}  // namespace ollama_stack::engine
