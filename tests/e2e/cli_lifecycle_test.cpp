// The everyday verbs run as processes against the real engine with the stand-in images.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>

#include "ollama_stack/stack/labels.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = stack::labels;

class CliLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-life");
    env_ = standin_stack_env(project_);
    env_["OLLAMA_STACK_HOME"] = home_.path();
  }
  void TearDown() override {
    if (project_.empty()) return;
    remove_labelled(labels::kProject, project_);
  }

  RunResult cli(const std::vector<std::string>& args, std::chrono::milliseconds timeout = std::chrono::seconds(180)) {
    RunOptions options;
    options.env = env_;
    options.timeout = timeout;
    return run_cli(args, options);
  }

  size_t container_count() {
    return test_engine().list_containers({{"label", {std::string(labels::kProject) + "=" + project_}}}, true).size();
  }

  // Writes a file into the Ollama volume through a throwaway container's archive API.
  void put_marker() {
    auto& engine = test_engine();
    nlohmann::json body{{"Image", standin_image("ollama")},
                        {"Labels", {{"ollama-stack.test", project_}}},
                        {"HostConfig", {{"Mounts", {{{"Type", "volume"}, {"Source", project_ + "_ollama_data"}, {"Target", "/vol"}}}}}}};
    const std::string id = engine.create_container(unique_name(project_), body);
    TempDir dir;
    std::ofstream(dir.path() + "/marker.txt") << "still here\n";
    auto tar = run_program("/bin/tar", {"-C", dir.path(), "-cf", dir.path() + "/m.tar", "marker.txt"});
    ASSERT_EQ(tar.exit_code, 0);
    std::ifstream file(dir.path() + "/m.tar", std::ios::binary);
    engine.put_archive(id, "/vol", std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>()));
    engine.remove_container(id, true, false);
  }

  bool marker_present() {
    auto& engine = test_engine();
    nlohmann::json body{{"Image", standin_image("ollama")},
                        {"Labels", {{"ollama-stack.test", project_}}},
                        {"HostConfig", {{"Mounts", {{{"Type", "volume"}, {"Source", project_ + "_ollama_data"}, {"Target", "/vol"}}}}}}};
    const std::string id = engine.create_container(unique_name(project_), body);
    std::string tar;
    try {
      engine.get_archive(id, "/vol/marker.txt", [&](std::string_view bytes) { return tar.append(bytes), true; });
    } catch (const std::exception&) {
    }
    engine.remove_container(id, true, false);
    return tar.find("still here") != std::string::npos;
  }

  TempDir home_;
  std::string project_;
  std::map<std::string, std::string> env_;
};

TEST_F(CliLifecycleTest, InstallStartStatusLogsRestartStopKeepData) {
  auto install = cli({"install"});
  ASSERT_EQ(install.exit_code, 0) << install.err;
  std::ifstream env_file(home_.path() + "/.env");
  std::string env_text((std::istreambuf_iterator<char>(env_file)), std::istreambuf_iterator<char>());
  auto secret_at = env_text.find("\nWEBUI_SECRET_KEY=");
  ASSERT_NE(secret_at, std::string::npos);
  const std::string secret = env_text.substr(secret_at, env_text.find('\n', secret_at + 1) - secret_at);
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  std::ifstream again(home_.path() + "/.env");
  std::string env_again((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  EXPECT_NE(env_again.find(secret), std::string::npos) << "a second install keeps the secret";

  auto start = cli({"start", "--json"});
  ASSERT_EQ(start.exit_code, 0) << start.err;
  auto started = nlohmann::json::parse(start.out);
  EXPECT_EQ(started["changed"], true);
  EXPECT_EQ(started["urls"].size(), 3u);
  put_marker();

  auto status = cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err << status.out;
  auto document = nlohmann::json::parse(status.out);
  EXPECT_EQ(document["schema_version"], 1);
  EXPECT_EQ(document["healthy"], true);
  ASSERT_EQ(document["services"].size(), 3u);
  for (const auto& service : document["services"]) {
    EXPECT_EQ(service["state"], "running") << service.dump();
    EXPECT_EQ(service["health"], "healthy") << service.dump();
    const std::string variable = service["name"] == "ollama" ? "OLLAMA_PORT" : service["name"] == "webui" ? "WEBUI_PORT" : "MCP_PROXY_PORT";
    ASSERT_EQ(service["ports"].size(), 1u);
    EXPECT_EQ(std::to_string(service["ports"][0]["host_port"].get<int>()), env_[variable]);
    EXPECT_TRUE(service["memory_bytes"].is_number());
    EXPECT_TRUE(service["cpu_percent"].is_number());
  }
  EXPECT_TRUE(marker_present());

  auto unchanged = cli({"start"});
  EXPECT_EQ(unchanged.exit_code, 0);
  EXPECT_NE(unchanged.out.find("already running"), std::string::npos) << unchanged.out;

  auto logs = cli({"logs", "--tail", "5", "webui"});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_NE(logs.out.find("webui"), std::string::npos);

  auto restart = cli({"restart"});
  ASSERT_EQ(restart.exit_code, 0) << restart.err;
  EXPECT_TRUE(marker_present());
  EXPECT_EQ(container_count(), 3u);

  auto stop = cli({"stop"});
  ASSERT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(container_count(), 0u);
  EXPECT_TRUE(marker_present()) << "stop keeps volumes";
  auto stopped = cli({"status", "--json"});
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(stopped.out)["running"], false);
  auto again_stop = cli({"stop"});
  EXPECT_EQ(again_stop.exit_code, 0);
  EXPECT_NE(again_stop.out.find("not running"), std::string::npos);
}

TEST_F(CliLifecycleTest, AFailingHealthEndpointExits4NamingTheService) {
  std::filesystem::create_directories(home_.path() + "/compose");
  std::ofstream(home_.path() + "/compose/docker-compose.override.yml")
      << "services:\n  webui:\n    environment:\n      STANDIN_FAIL_HEALTH: \"1\"\n";
  auto start = cli({"start", "--timeout", "4"});
  EXPECT_EQ(start.exit_code, 4) << start.err;
  EXPECT_NE(start.err.find("service webui did not become healthy"), std::string::npos) << start.err;
  EXPECT_NE(start.err.find("500"), std::string::npos) << start.err;
}

TEST_F(CliLifecycleTest, AHeldPortFailsBeforeAnythingIsCreated) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);  // not inherited: the owner is this process alone
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(std::stoi(env_["WEBUI_PORT"])));
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  auto start = cli({"start"});
  close(fd);
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_NE(start.err.find(env_["WEBUI_PORT"]), std::string::npos) << start.err;
  EXPECT_NE(start.err.find("pid " + std::to_string(getpid())), std::string::npos) << start.err;
  EXPECT_EQ(container_count(), 0u);
  EXPECT_FALSE(test_engine().inspect_network(project_ + "_default").has_value());
}

TEST_F(CliLifecycleTest, TwoSimultaneousStartsLeaveOneSetOfContainers) {
  auto first = std::async(std::launch::async, [&] { return cli({"start"}); });
  auto second = std::async(std::launch::async, [&] { return cli({"start"}); });
  auto a = first.get(), b = second.get();
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(container_count(), 3u);
  EXPECT_TRUE(a.err.find("Waiting for another ollama-stack") != std::string::npos ||
              b.err.find("Waiting for another ollama-stack") != std::string::npos);
}

TEST_F(CliLifecycleTest, SigintDuringStartLeavesNothingAndExits130) {
  // A slow Ollama keeps start waiting, so the signal lands mid-way.
  std::filesystem::create_directories(home_.path() + "/compose");
  std::ofstream(home_.path() + "/compose/docker-compose.override.yml")
      << "services:\n  ollama:\n    environment:\n      STANDIN_START_DELAY_MS: \"30000\"\n";
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : env_) env_strings.push_back(key + "=" + value);
  int out_pipe[2];
  ASSERT_EQ(pipe(out_pipe), 0);
  pid_t pid = fork();
  if (pid == 0) {
    for (const auto& entry : env_strings) putenv(const_cast<char*>(entry.c_str()));
    dup2(out_pipe[1], STDERR_FILENO);
    close(out_pipe[0]);
    execl(OLLAMA_STACK_BINARY, OLLAMA_STACK_BINARY, "start", nullptr);
    _exit(127);
  }
  close(out_pipe[1]);
  // Wait until the containers exist (start is then waiting for health), then interrupt.
  ASSERT_TRUE(wait_until([&] { return container_count() == 3u; }, std::chrono::seconds(60)));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  close(out_pipe[0]);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_EQ(container_count(), 0u);
  EXPECT_FALSE(test_engine().inspect_network(project_ + "_default").has_value());
}

TEST_F(CliLifecycleTest, AnUnreachableEngineExits3ForEveryVerb) {
  env_["DOCKER_HOST"] = "unix:///nonexistent/docker.sock";
  for (auto verb : {"start", "stop", "restart", "status", "logs", "version"}) {
    auto result = cli({verb});
    EXPECT_EQ(result.exit_code, 3) << verb << ": " << result.err;
    EXPECT_NE(result.err.find("cannot reach the Docker engine"), std::string::npos) << verb << ": " << result.err;
  }
}

TEST_F(CliLifecycleTest, ACorruptStateFileExits5AndIsKept) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  const std::string path = home_.path() + "/.ollama-stack.json";
  std::ofstream(path, std::ios::trunc) << "{\n  \"schema_version\": 1,\n  \"platform\": oops\n}\n";
  auto start = cli({"start"});
  EXPECT_EQ(start.exit_code, 5) << start.err;
  EXPECT_NE(start.err.find(path), std::string::npos) << start.err;
  EXPECT_NE(start.err.find(":3"), std::string::npos) << "names the line: " << start.err;
  std::ifstream kept(path);
  std::string text((std::istreambuf_iterator<char>(kept)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("oops"), std::string::npos) << "the bad file is not overwritten";
  EXPECT_EQ(container_count(), 0u);
}

}  // namespace
}  // namespace ollama_stack::e2e
