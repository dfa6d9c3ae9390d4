// Reaching the engine the ways Docker users do: DOCKER_HOST=tcp://, a Docker context (current or
// DOCKER_CONTEXT) from a Docker CLI config directory, and ssh:// through the ssh client.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ollama_stack/engine/docker_context.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "support/harness.hpp"
#include "support/tcp_forwarder.hpp"

extern char** environ;

namespace ollama_stack::e2e {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

// The engine's Unix socket ("" when the tests reach it some other way).
std::string engine_socket() {
  const std::string url = test_engine().describe();
  return url.starts_with("unix://") ? url.substr(7) : std::string();
}

bool on_path(const std::string& program) {
  return run_program("/bin/sh", {"-c", "command -v " + program}).exit_code == 0;
}

void write_file(const std::string& path, const std::string& text,
                fs::perms mode = fs::perms::owner_read | fs::perms::owner_write) {
  std::ofstream(path) << text;
  fs::permissions(path, mode);
}

class CliReachTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    socket_ = engine_socket();
    if (socket_.empty())
      GTEST_SKIP() << "the tests reach the engine through " << test_engine().describe();
    project_ = unique_name("osk-e2e-reach");
    env_ = standin_stack_env(project_);
    env_["OLLAMA_STACK_HOME"] = dir_.path() + "/home";
    env_["DOCKER_CONFIG"] = dir_.path() + "/docker-config";
  }
  void TearDown() override {
    if (!project_.empty()) remove_labelled(stack::labels::kProject, project_);
  }
  RunResult cli(const std::vector<std::string>& args,
                std::map<std::string, std::string> extra = {}) {
    RunOptions options;
    options.env = env_;
    for (auto& [name, value] : extra) options.env[name] = value;
    for (const char* name :
         {"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"})
      if (!options.env.contains(name))
        options.unset_env.push_back(name);  // only what the test sets
    options.timeout = std::chrono::seconds(180);
    return run_cli(args, options);
  }
  // A context the way `docker context create NAME --docker host=HOST` stores it.
  void add_context(const std::string& name, const std::string& host) {
    const auto meta = fs::path(env_["DOCKER_CONFIG"]) / "contexts" / "meta" /
                      engine::context_directory_name(name);
    fs::create_directories(meta);
    std::ofstream(meta / "meta.json")
        << nlohmann::json{{"Name", name},
                          {"Metadata", nlohmann::json::object()},
                          {"Endpoints", {{"docker", {{"Host", host}, {"SkipTLSVerify", false}}}}}}
               .dump();
  }
  void use_context(const std::string& name) {
    fs::create_directories(env_["DOCKER_CONFIG"]);
    std::ofstream(env_["DOCKER_CONFIG"] + "/config.json")
        << nlohmann::json{{"currentContext", name}}.dump();
  }

  TempDir dir_;
  std::string socket_;
  std::string project_;
  std::map<std::string, std::string> env_;
};

TEST_F(CliReachTest, DockerHostTcpRunsStartAndStatusWithTheEngineHostInUrls) {
  TcpForwarder tcp(socket_);
  const std::string host = "tcp://127.0.0.1:" + std::to_string(tcp.port());
  auto start = cli({"start", "--json"}, {{"DOCKER_HOST", host}});
  ASSERT_EQ(start.exit_code, 0) << start.err << start.out;
  auto status = cli({"status", "--json"}, {{"DOCKER_HOST", host}});
  ASSERT_EQ(status.exit_code, 0) << status.err << status.out;
  const auto document = nlohmann::json::parse(status.out);
  EXPECT_EQ(document["healthy"], true);
  ASSERT_EQ(document["services"].size(), 3u);
  for (const auto& service : document["services"])
    EXPECT_THAT(service["url"].get<std::string>(), ::testing::StartsWith("http://127.0.0.1:"))
        << service.dump();
  EXPECT_GT(tcp.connections(), 0) << "the calls went through the TCP port";

  auto check = cli({"check", "--json"}, {{"DOCKER_HOST", host}});
  const auto report = nlohmann::json::parse(check.out);
  EXPECT_EQ(report["endpoint"]["url"], host);
  EXPECT_EQ(report["endpoint"]["source"], "DOCKER_HOST");
  EXPECT_EQ(report["checks"][0]["id"], "endpoint");
  EXPECT_THAT(report["checks"][0]["message"].get<std::string>(),
              HasSubstr("chosen by DOCKER_HOST"));

  auto stop = cli({"stop"}, {{"DOCKER_HOST", host}});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
}

TEST_F(CliReachTest, TheCurrentDockerContextIsHonoured) {
  add_context("osk-good", "unix://" + socket_);
  add_context("osk-bad", "unix://" + dir_.path() + "/nothing-here.sock");
  use_context("osk-good");
  auto version = cli({"version", "--json"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  auto document = nlohmann::json::parse(version.out);
  EXPECT_EQ(document["engine"]["endpoint_source"], "context");
  EXPECT_EQ(document["engine"]["endpoint_context"], "osk-good");
  EXPECT_EQ(document["engine"]["endpoint"], "unix://" + socket_);

  auto check = cli({"check", "--json"});
  const auto report = nlohmann::json::parse(check.out);
  EXPECT_EQ(report["endpoint"]["context"], "osk-good");
  EXPECT_THAT(report["endpoint"]["reason"].get<std::string>(), HasSubstr("currentContext in"));

  // The bad context proves the store is really read: its socket is the one that fails.
  auto bad = cli({"version"}, {{"DOCKER_CONTEXT", "osk-bad"}});
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr(dir_.path() + "/nothing-here.sock"));
  // ... and DOCKER_HOST still beats every context.
  EXPECT_EQ(cli({"version"}, {{"DOCKER_CONTEXT", "osk-bad"}, {"DOCKER_HOST", "unix://" + socket_}})
                .exit_code,
            0);

  auto missing = cli({"version"}, {{"DOCKER_CONTEXT", "osk-none"}});
  EXPECT_EQ(missing.exit_code, 5) << missing.err;
  EXPECT_THAT(missing.err,
              HasSubstr("Docker context \"osk-none\" (chosen by DOCKER_CONTEXT) does not exist"));
}

TEST_F(CliReachTest, AContextMadeByTheDockerCliIsHonoured) {
  if (!on_path("docker")) GTEST_SKIP() << "no docker CLI on PATH";
  RunOptions options;
  options.env = {{"DOCKER_CONFIG", env_["DOCKER_CONFIG"]}};
  auto made = run_program("/bin/sh",
                          {"-c", "docker context create osk-cli --docker host=unix://" + socket_ +
                                     " >/dev/null && docker context use osk-cli >/dev/null"},
                          options);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto version = cli({"version", "--json"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(nlohmann::json::parse(version.out)["engine"]["endpoint_context"], "osk-cli");
}

// ssh:// with a stand-in for the ssh client: it logs its arguments and runs what follows the host
// (`docker system dial-stdio`) here, so the bridge is tested end to end against the real engine.
TEST_F(CliReachTest, SshEngineGoesThroughTheSshClientsDialStdio) {
  if (!on_path("docker")) GTEST_SKIP() << "no docker CLI on PATH for `docker system dial-stdio`";
  const std::string fake_ssh = dir_.path() + "/fake-ssh";
  const std::string args_log = dir_.path() + "/ssh-args";
  write_file(fake_ssh,
             "#!/bin/sh\necho \"$*\" >> " + args_log +
                 "\nwhile [ \"$1\" != -- ]; do shift; done\nshift 2\n"
                 "DOCKER_HOST=unix://" +
                 socket_ + " exec \"$@\"\n",
             fs::perms::owner_all);
  const std::string host = "ssh://tester@gpu-box:2222";
  auto version =
      cli({"version", "--json"}, {{"DOCKER_HOST", host}, {"OLLAMA_STACK_SSH_COMMAND", fake_ssh}});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(nlohmann::json::parse(version.out)["engine"]["endpoint"], host);
  std::ifstream log(args_log);
  std::string first;
  std::getline(log, first);
  EXPECT_EQ(first, "-o ConnectTimeout=30 -T -l tester -p 2222 -- gpu-box docker system dial-stdio");

  auto status = cli({"status", "--json", "--no-stats"},
                    {{"DOCKER_HOST", host}, {"OLLAMA_STACK_SSH_COMMAND", fake_ssh}});
  EXPECT_EQ(status.exit_code, 1) << status.err;  // nothing started: "not running"
  EXPECT_EQ(nlohmann::json::parse(status.out)["running"], false);
}

TEST_F(CliReachTest, AFailingSshSaysWhatSshSaid) {
  const std::string fake_ssh = dir_.path() + "/failing-ssh";
  write_file(fake_ssh,
             "#!/bin/sh\necho 'tester@gpu-box: Permission denied (publickey).' >&2\nexit 255\n",
             fs::perms::owner_all);
  auto version = cli({"version"}, {{"DOCKER_HOST", "ssh://tester@gpu-box"},
                                   {"OLLAMA_STACK_SSH_COMMAND", fake_ssh}});
  EXPECT_EQ(version.exit_code, 3) << version.err;
  EXPECT_THAT(version.err,
              HasSubstr("ssh said \"tester@gpu-box: Permission denied (publickey).\""));
  EXPECT_THAT(version.err, HasSubstr("ssh tester@gpu-box docker version"));
}

// The real thing: Debian's sshd on a free loopback port with a key made here, the real ssh
// client, and the docker CLI on the "remote" side. Skipped without sshd, ssh, docker or root.
TEST_F(CliReachTest, SshEngineThroughARealSshd) {
  if (!fs::exists("/usr/sbin/sshd") || !on_path("ssh") || !on_path("ssh-keygen") ||
      !on_path("docker"))
    GTEST_SKIP() << "needs openssh-server, openssh-client and the docker CLI";
  if (::geteuid() != 0) GTEST_SKIP() << "sshd's privilege separation needs root";
  fs::create_directories("/run/sshd");
  const std::string d = dir_.path();
  for (const char* key : {"host_key", "client_key"})
    ASSERT_EQ(run_program("/bin/sh", {"-c", "ssh-keygen -q -t ed25519 -N '' -f " + d + "/" + key})
                  .exit_code,
              0);
  fs::copy_file(d + "/client_key.pub", d + "/authorized_keys");
  const int port = free_port();
  write_file(d + "/sshd_config",
             "Port " + std::to_string(port) + "\nListenAddress 127.0.0.1\nHostKey " + d +
                 "/host_key\nAuthorizedKeysFile " + d + "/authorized_keys\nPidFile " + d +
                 "/sshd.pid\nStrictModes no\nUsePAM no\nPermitRootLogin prohibit-password\n"
                 "PasswordAuthentication no\n");
  std::vector<std::string> argv = {"/usr/sbin/sshd", "-D", "-e", "-f", d + "/sshd_config"};
  std::vector<char*> raw;
  for (auto& word : argv) raw.push_back(word.data());
  raw.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string sshd_log = d + "/sshd.log";
  posix_spawn_file_actions_addopen(&actions, 2, sshd_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t sshd = 0;
  ASSERT_EQ(::posix_spawn(&sshd, raw[0], &actions, nullptr, raw.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  struct Killer {
    pid_t pid;
    ~Killer() {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  } killer{sshd};
  const std::string ssh = "ssh -i " + d +
                          "/client_key -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
                          "-o BatchMode=yes -o LogLevel=ERROR";
  const std::string host = "ssh://root@127.0.0.1:" + std::to_string(port);
  RunResult version;
  // sshd needs a moment to listen; the first tries may be refused.
  wait_until(
      [&] {
        version =
            cli({"version", "--json"}, {{"DOCKER_HOST", host}, {"OLLAMA_STACK_SSH_COMMAND", ssh}});
        return version.exit_code == 0;
      },
      std::chrono::seconds(20), std::chrono::milliseconds(300));
  std::ifstream log(sshd_log);
  const std::string sshd_said((std::istreambuf_iterator<char>(log)),
                              std::istreambuf_iterator<char>());
  ASSERT_EQ(version.exit_code, 0) << version.err << "\nsshd log:\n" << sshd_said;
  const auto document = nlohmann::json::parse(version.out);
  EXPECT_EQ(document["engine"]["endpoint"], host);
  EXPECT_EQ(document["engine"]["endpoint_source"], "DOCKER_HOST");
  EXPECT_FALSE(document["engine"]["version"].get<std::string>().empty());
}

// The real binary's bash script, sourced in bash, completes verbs and asks the real binary for
// the service names (`config --services`, which needs the engine for the platform).
TEST_F(CliReachTest, BashCompletionOfTheRealBinaryCompletesServiceNames) {
  auto script = cli({"completion", "bash"});
  ASSERT_EQ(script.exit_code, 0) << script.err;
  const std::string path = dir_.path() + "/completion.bash";
  std::ofstream(path) << script.out;
  RunOptions options;
  options.env = env_;
  options.env["OLLAMA_STACK_HOME"] = dir_.path() + "/not-installed";  // names before `install` too
  auto complete = [&](const std::string& words, int current) {
    return run_program("/bin/bash",
                       {"-c",
                        "source " + path + " && COMP_WORDS=(" + OLLAMA_STACK_BINARY + " " + words +
                            ") && COMP_CWORD=" + std::to_string(current) +
                            " && _ollama_stack && printf '%s\\n' \"${COMPREPLY[@]}\""},
                       options);
  };
  auto verbs = complete("st", 1);
  ASSERT_EQ(verbs.exit_code, 0) << verbs.err;
  for (const char* verb : {"start\n", "status\n", "stop\n"}) EXPECT_THAT(verbs.out, HasSubstr(verb));
  EXPECT_EQ(std::count(verbs.out.begin(), verbs.out.end(), '\n'), 3) << verbs.out;
  auto services = complete("logs --tail 5 ''", 4);
  ASSERT_EQ(services.exit_code, 0) << services.err;
  EXPECT_EQ(services.err, "");  // silent
  for (const char* service : {"ollama", "webui", "mcp_proxy"}) EXPECT_THAT(services.out, HasSubstr(service));
}

}  // namespace
}  // namespace ollama_stack::e2e
