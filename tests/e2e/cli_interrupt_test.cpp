// Ctrl-C as a terminal sends it (SIGINT to the whole foreground process group), against the real
// engine: the first one says what is being undone and undoes it — over ssh too, whose bridge
// processes must survive it — the second one stops at once, saying what that leaves, and takes
// the ssh processes and their socket with it; an interrupted health wait after a recreate leaves
// the new containers instead of deleting the stack, or an enabled extension.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "ollama_stack/stack/labels.hpp"
#include "support/background.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

namespace fs = std::filesystem;
namespace labels = stack::labels;

constexpr const char* kFirstNote = "Press Ctrl-C again to stop at once.";
constexpr const char* kSecondNote = "Stopped at once:";

bool on_path(const std::string& program) {
  return run_program("/bin/sh", {"-c", "command -v " + program}).exit_code == 0;
}

class CliInterruptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-intr");
    env_ = standin_stack_env(project_);
    env_["OLLAMA_STACK_HOME"] = dir_.path() + "/home";
  }
  void TearDown() override {
    for (pid_t pid : ssh_pids())
      if (is_our_ssh(pid))
        kill(pid, SIGKILL);  // left (stopped) by a failing run; never a reused pid
    if (project_.empty()) return;
    remove_labelled(labels::kInstallation, project_);  // the extension's too
    remove_labelled(labels::kProject, project_);
  }

  RunOptions options() {
    RunOptions run;
    run.env = env_;
    run.timeout = std::chrono::seconds(180);
    return run;
  }

  // Ollama answers only after `ms` (30 s: `start` is then waiting for health).
  void slow_ollama(const char* ms = "30000") {
    fs::create_directories(dir_.path() + "/home/compose");
    std::ofstream(dir_.path() + "/home/compose/docker-compose.override.yml")
        << "services:\n  ollama:\n    environment:\n      STANDIN_START_DELAY_MS: \"" << ms
        << "\"\n";
  }

  std::vector<engine::ContainerSummary> containers() {
    return test_engine().list_containers(
        {{"label", {std::string(labels::kProject) + "=" + project_}}}, true);
  }

  // The engine over ssh:// through a stand-in ssh client that records its pid and runs
  // `docker system dial-stdio` here (as the real one would on the server). Temporary files go
  // to a directory of the test, where a leftover socket would show.
  void over_ssh() {
    const std::string url = test_engine().describe();
    if (!url.starts_with("unix://")) GTEST_SKIP() << "the tests reach the engine through " << url;
    if (!on_path("docker")) GTEST_SKIP() << "no docker CLI on PATH for `docker system dial-stdio`";
    const std::string fake = dir_.path() + "/fake-ssh";
    std::ofstream(fake) << "#!/bin/sh\necho $$ >> " << dir_.path() << "/ssh-pids\n"
                        << "while [ \"$1\" != -- ]; do shift; done\nshift 2\n"
                        << "DOCKER_HOST=" << url << " exec \"$@\"\n";
    fs::permissions(fake, fs::perms::owner_all);
    fs::create_directories(tmp());
    env_["DOCKER_HOST"] = "ssh://tester@127.0.0.1";
    env_["OLLAMA_STACK_SSH_COMMAND"] = fake;
    env_["TMPDIR"] = tmp();
  }
  std::string tmp() const { return dir_.path() + "/tmp"; }

  std::vector<pid_t> ssh_pids() const {
    std::vector<pid_t> pids;
    std::ifstream in(dir_.path() + "/ssh-pids");
    for (pid_t pid = 0; in >> pid;) pids.push_back(pid);
    return pids;
  }
  static bool is_our_ssh(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
    const std::string command((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    return process_alive(pid) && (command.find("dial-stdio") != std::string::npos ||
                                  command.find("fake-ssh") != std::string::npos);
  }
  bool ssh_gone() const {
    for (pid_t pid : ssh_pids())
      if (is_our_ssh(pid)) return false;
    return true;
  }
  bool socket_gone() const {
    for (const auto& item : fs::directory_iterator(tmp()))
      if (item.path().filename().string().starts_with("ollama-stack-ssh-")) return false;
    return true;
  }

  TempDir dir_;
  std::string project_;
  std::map<std::string, std::string> env_;
};

TEST_F(CliInterruptTest, FirstCtrlCUndoesTheStartOverSshWhoseProcessesItDoesNotReach) {
  over_ssh();
  slow_ollama();
  Background start({"start"}, options());
  ASSERT_TRUE(wait_until([&] { return containers().size() == 3u; }, std::chrono::seconds(90)))
      << start.err();
  ASSERT_FALSE(ssh_pids().empty());
  for (pid_t pid : ssh_pids()) {
    if (!is_our_ssh(pid)) continue;
    EXPECT_NE(process_group_of(pid), start.pid())
        << "ssh " << pid << " is in ollama-stack's process group";
    EXPECT_NE(session_of(pid), session_of(start.pid())) << "ssh " << pid;
  }

  start.interrupt_group(SIGINT);  // the terminal's Ctrl-C
  auto done = start.wait(std::chrono::seconds(120));
  EXPECT_EQ(done.exit_code, 130) << done.err;
  EXPECT_NE(done.err.find("Interrupted: undoing this start"), std::string::npos) << done.err;
  EXPECT_NE(done.err.find(kFirstNote), std::string::npos) << done.err;
  EXPECT_EQ(containers().size(), 0u) << "the undo reached the engine through ssh: " << done.err;
  EXPECT_FALSE(test_engine().inspect_network(project_ + "_default").has_value());
  EXPECT_TRUE(wait_until([&] { return ssh_gone(); }, std::chrono::seconds(10)));
  EXPECT_TRUE(socket_gone());
}

TEST_F(CliInterruptTest, SecondCtrlCStopsAtOnceAndTakesTheSshProcessesAndSocketAlong) {
  over_ssh();
  slow_ollama();
  Background start({"start"}, options());
  ASSERT_TRUE(wait_until([&] { return containers().size() == 3u; }, std::chrono::seconds(90)))
      << start.err();
  // Every engine call now hangs: the ssh processes are stopped (kill -STOP), so the undo after
  // the first Ctrl-C cannot finish before the second one comes.
  for (pid_t pid : ssh_pids())
    if (is_our_ssh(pid)) kill(pid, SIGSTOP);
  start.interrupt_group(SIGINT);
  ASSERT_TRUE(wait_until([&] { return start.err().find(kFirstNote) != std::string::npos; },
                         std::chrono::seconds(10)))
      << start.err();
  start.interrupt_group(SIGINT);
  auto done = start.wait(std::chrono::seconds(30));
  EXPECT_EQ(done.exit_code, 128 + SIGINT) << done.err;
  EXPECT_NE(done.err.find(kSecondNote), std::string::npos) << done.err;
  EXPECT_NE(done.err.find("`ollama-stack stop` removes it"), std::string::npos) << done.err;
  EXPECT_TRUE(wait_until([&] { return ssh_gone(); }, std::chrono::seconds(10)))
      << "ssh outlived ollama-stack";
  EXPECT_TRUE(wait_until([&] { return socket_gone(); }, std::chrono::seconds(10)))
      << "the socket was left behind";
}

TEST_F(CliInterruptTest, CtrlCInTheHealthWaitAfterARecreateLeavesTheNewContainers) {
  slow_ollama("0");
  ASSERT_EQ(run_cli({"start"}, options()).exit_code, 0);
  std::string old_ollama;
  for (const auto& container : containers())
    if (container.labels.at(labels::kService) == "ollama") old_ollama = container.id;
  slow_ollama();  // ollama's configuration changes: it is recreated, then answers only after 30 s
  Background start({"start"}, options());
  auto recreated = [&] {
    const auto now = containers();
    if (now.size() != 3u) return false;  // the old one is set aside until the new one started
    for (const auto& container : now)
      if (container.labels.at(labels::kService) == "ollama")
        return container.id != old_ollama && container.state == "running";
    return false;
  };
  ASSERT_TRUE(wait_until(recreated, std::chrono::seconds(90))) << start.err();
  start.interrupt_group(SIGINT);
  auto done = start.wait(std::chrono::seconds(60));
  EXPECT_EQ(done.exit_code, 130) << done.err;
  EXPECT_NE(done.err.find("the containers this start recreated (ollama) were left running on their "
                          "new configuration"),
            std::string::npos)
      << done.err;
  EXPECT_EQ(containers().size(), 3u)
      << "the stack whose old containers were replaced is not deleted";
  EXPECT_TRUE(recreated());
}

TEST_F(CliInterruptTest, CtrlCInAnExtensionsHealthWaitAfterARecreateLeavesItsNewContainer) {
  const fs::path extension = fs::path(dir_.path()) / "home" / "extensions" / "mcp-test";
  fs::create_directories(extension.parent_path());
  fs::copy(fs::path(OLLAMA_STACK_SOURCE_DIR) / "tests" / "extensions" / "mcp-test", extension,
           fs::copy_options::recursive);
  env_["MCP_EXT_IMAGE"] = standin_image("mcp-ext");
  ASSERT_EQ(run_cli({"install"}, options()).exit_code, 0);
  ASSERT_EQ(run_cli({"extensions", "enable", "mcp-test"}, options()).exit_code, 0);
  auto first = run_cli({"start"}, options());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string ext_project = project_ + "-ext-mcp-test";
  auto server = [&] {
    auto listed = test_engine().list_containers(
        {{"label", {std::string(labels::kProject) + "=" + ext_project}}}, true);
    // While the recreate runs, the old container is set aside beside the new one.
    return listed.size() == 1u ? listed.front() : engine::ContainerSummary{};
  };
  const std::string old_server = server().id;
  ASSERT_FALSE(old_server.empty());

  // The server's configuration changes: it is recreated, then answers only after 30 s.
  std::ifstream in(extension / "docker-compose.yml");
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string restart = "    restart: unless-stopped\n";
  ASSERT_NE(yaml.find(restart), std::string::npos) << yaml;
  yaml.insert(yaml.find(restart), "    environment:\n      STANDIN_START_DELAY_MS: \"30000\"\n");
  std::ofstream(extension / "docker-compose.yml") << yaml;
  Background start({"start"}, options());
  ASSERT_TRUE(wait_until(
      [&] {
        const auto now = server();
        return !now.id.empty() && now.id != old_server && now.state == "running";
      },
      std::chrono::seconds(90)))
      << start.err();
  start.interrupt_group(SIGINT);
  auto done = start.wait(std::chrono::seconds(60));
  EXPECT_EQ(done.exit_code, 130) << done.err;
  EXPECT_NE(done.err.find("the containers this start recreated (server) were left running"),
            std::string::npos)
      << done.err;
  const auto after = server();
  EXPECT_NE(after.id, old_server);
  EXPECT_EQ(after.state, "running") << "the extension whose old container was replaced is kept";
  EXPECT_EQ(containers().size(), 3u) << "the core is untouched";
}
}  // namespace
}  // namespace ollama_stack::e2e
