// Compose keys with engine-side effects, checked from inside the containers on the real engine:
// tmpfs, init, group_add, ipc shareable + service:, network_mode service:, configs, secrets and
// replicas (scaled up and down), then the CLI's status, logs and stop with a replicated service
// added through the home's override file. The stand-in images have no shell: `standin inspect`,
// run with the engine's exec, reports what the container sees (tests/standin/inspect.cpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/compose/load.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = stack::labels;
using nlohmann::json;

class ComposeKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-keys");
    std::ofstream(dir_.path() + "/api_key.txt") << "key-from-a-file";
    std::ofstream(dir_.path() + "/compose.yml") << R"(
services:
  main:
    image: ${IMAGE}
    init: true
    tmpfs:
      - /scratch:size=16m,mode=1777
    group_add: ["4242"]
    ipc: shareable
    configs:
      - source: app_config
        target: /etc/app/config.json
        uid: "1000"
        gid: "1000"
        mode: 0440
    secrets:
      - api_key
      - source: token
        target: token.txt
        mode: 0400
  sidecar:
    image: ${IMAGE}
    # It shares main's network namespace: another port than main's 8000.
    command: ["--port", "8001"]
    ipc: "service:main"
    network_mode: "service:main"
  worker:
    image: ${IMAGE}
    deploy:
      replicas: 2
configs:
  app_config:
    content: '{"answer": 42}'
secrets:
  api_key:
    file: ./api_key.txt
  token:
    environment: TOKEN
)";
  }
  void TearDown() override {
    if (!project_.empty()) remove_labelled(labels::kProject, project_);
  }

  compose::Project load() {
    compose::LoadOptions options;
    const std::string path = dir_.path() + "/compose.yml";
    std::ifstream in(path);
    options.sources = {{path, std::string(std::istreambuf_iterator<char>(in), {})}};
    options.project_name = project_;
    options.lookup = [](std::string_view name) -> std::optional<std::string> {
      if (name == "IMAGE") return standin_image("mcp-ext");  // it has /standin
      if (name == "TOKEN") return std::string("token-from-the-environment");
      return std::nullopt;
    };
    return compose::load_project(options).project;
  }

  compose::ApplyResult apply(const compose::Project& project) {
    compose::ApplyOptions options;
    options.plan.extra_labels = {{labels::kInstallation, project_}, {labels::kComponent, "test"}};
    return compose::apply(test_engine(), project, options);
  }

  std::map<std::string, engine::ContainerSummary> containers() {
    std::map<std::string, engine::ContainerSummary> out;
    for (auto& container : test_engine().list_containers(
             {{"label", {std::string(labels::kProject) + "=" + project_}}}, true))
      out[container.name] = container;
    return out;
  }

  json inspect(const std::string& container, const std::vector<std::string>& files = {}) {
    std::vector<std::string> command{"/standin", "inspect"};
    command.insert(command.end(), files.begin(), files.end());
    auto result = test_engine().exec(container, command);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return json::parse(result.out);
  }

  std::string name(const std::string& service, int number = 1) {
    return project_ + "-" + service + "-" + std::to_string(number);
  }

  TempDir dir_;
  std::string project_;
};

TEST_F(ComposeKeysTest, EachKeyTakesEffectInsideTheContainers) {
  auto project = load();
  apply(project);
  auto running = containers();
  ASSERT_EQ(running.size(), 4u);
  for (const auto& [container_name, container] : running)
    EXPECT_EQ(container.state, "running") << container_name;
  ASSERT_TRUE(running.contains(name("worker", 1)));
  ASSERT_TRUE(running.contains(name("worker", 2)));
  EXPECT_EQ(running.at(name("worker", 2)).labels.at(labels::kContainerNumber), "2");

  const json main = inspect(
      name("main"), {"/etc/app/config.json", "/run/secrets/api_key", "/run/secrets/token.txt"});
  // init: the engine's init (docker-init) is PID 1 and runs the service's command.
  EXPECT_NE(main["pid1"].get<std::string>().find("docker-init"), std::string::npos) << main["pid1"];
  // tmpfs
  bool scratch_is_tmpfs = false;
  for (const auto& mount : main["mounts"])
    if (mount["target"] == "/scratch" && mount["type"] == "tmpfs") scratch_is_tmpfs = true;
  EXPECT_TRUE(scratch_is_tmpfs) << main["mounts"].dump();
  // group_add
  EXPECT_NE(std::find(main["groups"].begin(), main["groups"].end(), 4242), main["groups"].end())
      << main["groups"];
  // configs and secrets: content, mode and owner
  const json& files = main["files"];
  EXPECT_EQ(files["/etc/app/config.json"]["content"], R"({"answer": 42})");
  EXPECT_EQ(files["/etc/app/config.json"]["mode"], "0440");
  EXPECT_EQ(files["/etc/app/config.json"]["uid"], 1000);
  EXPECT_EQ(files["/etc/app/config.json"]["gid"], 1000);
  EXPECT_EQ(files["/run/secrets/api_key"]["content"], "key-from-a-file");
  EXPECT_EQ(files["/run/secrets/api_key"]["mode"], "0444");
  EXPECT_EQ(files["/run/secrets/api_key"]["uid"], 0);
  EXPECT_EQ(files["/run/secrets/token.txt"]["content"], "token-from-the-environment");
  EXPECT_EQ(files["/run/secrets/token.txt"]["mode"], "0400");

  // ipc: service:main and network_mode: service:main join main's namespaces; a worker has its own.
  const json sidecar = inspect(name("sidecar"));
  const json worker = inspect(name("worker", 1));
  EXPECT_EQ(sidecar["namespaces"]["ipc"], main["namespaces"]["ipc"]);
  EXPECT_EQ(sidecar["namespaces"]["net"], main["namespaces"]["net"]);
  EXPECT_NE(worker["namespaces"]["ipc"], main["namespaces"]["ipc"]);
  EXPECT_NE(worker["namespaces"]["net"], main["namespaces"]["net"]);
  EXPECT_EQ(inspect(name("worker", 2))["files"], json::object());

  // Nothing changed: nothing is recreated.
  EXPECT_FALSE(apply(load()).changed);

  // Recreating main recreates the sidecar, which then shares the new main's namespaces.
  const std::string old_sidecar = running.at(name("sidecar")).id;
  project.services.at("main").environment["CHANGED"] = "1";
  apply(project);
  running = containers();
  EXPECT_NE(running.at(name("sidecar")).id, old_sidecar);
  EXPECT_EQ(inspect(name("sidecar"))["namespaces"]["net"],
            inspect(name("main"))["namespaces"]["net"]);

  // Scale down: the highest number goes.
  project.services.at("worker").replicas = 1;
  auto scaled = apply(project);
  EXPECT_EQ(scaled.removed_surplus, std::vector<std::string>{name("worker", 2)});
  running = containers();
  EXPECT_TRUE(running.contains(name("worker", 1)));
  EXPECT_FALSE(running.contains(name("worker", 2)));

  auto removed = compose::down(test_engine(), project_, {});
  EXPECT_EQ(removed.removed_containers.size(), 3u);
  EXPECT_TRUE(containers().empty());
}

// build.dockerfile_inline, build.labels and build.network through the engine's classic builder;
// zero replicas: the image is built, no container runs.
TEST(ComposeKeysBuildTest, InlineDockerfileLabelsAndNetworkReachTheBuilder) {
  REQUIRE_ENGINE();
  TempDir dir;
  const std::string project_name = unique_name("osk-e2e-build");
  const std::string image = project_name + ":built";
  struct Cleanup {
    std::string image, project;
    ~Cleanup() {
      try {
        test_engine().remove_image(image, true);
      } catch (const std::exception&) {
      }
      remove_labelled(labels::kProject, project);
    }
  } cleanup{image, project_name};
  std::ofstream(dir.path() + "/hello.txt") << "hello\n";
  compose::LoadOptions options;
  options.sources = {{dir.path() + "/compose.yml", R"(
services:
  app:
    image: )" + image + R"(
    build:
      context: .
      dockerfile_inline: |
        FROM scratch
        COPY hello.txt /hello.txt
      labels:
        com.example.built-by: ollama-stack
      network: none
    deploy:
      replicas: 0
)"}};
  options.project_name = project_name;
  options.lookup = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  auto project = compose::load_project(options).project;
  compose::ApplyOptions apply_options;
  auto result = compose::apply(test_engine(), project, apply_options);
  EXPECT_EQ(result.built_images, std::vector<std::string>{image});
  auto built = test_engine().inspect_image(image);
  ASSERT_TRUE(built.has_value());
  EXPECT_EQ(built->labels["com.example.built-by"], "ollama-stack");
  EXPECT_TRUE(
      test_engine()
          .list_containers({{"label", {std::string(labels::kProject) + "=" + project_name}}}, true)
          .empty());
}

// A replicated service added to the stack through the home's override file: start creates both
// replicas, status and logs show each, stop removes them all.
TEST(ComposeKeysCliTest, StatusLogsAndStopHandleEveryReplica) {
  REQUIRE_ENGINE();
  TempDir home;
  const std::string project = unique_name("osk-e2e-repl");
  auto env = standin_stack_env(project);
  env["OLLAMA_STACK_HOME"] = home.path();
  env["STANDIN_CHATTY_LINES"] = "2";
  RunOptions options;
  options.env = env;
  options.timeout = std::chrono::seconds(180);
  struct Cleanup {
    std::string project;
    ~Cleanup() { remove_labelled(labels::kProject, project); }
  } cleanup{project};
  ASSERT_EQ(run_cli({"install"}, options).exit_code, 0);
  std::filesystem::create_directories(home.path() + "/compose");
  std::ofstream(home.path() + "/compose/docker-compose.override.yml") << R"(
services:
  worker:
    image: ${OLLAMA_IMAGE}
    environment: [STANDIN_CHATTY_LINES]
    deploy:
      replicas: 2
    develop:
      watch: [{path: ., action: rebuild}]
)";
  auto start = run_cli({"start"}, options);
  ASSERT_EQ(start.exit_code, 0) << start.out << start.err;
  // A key with no meaning here is reported with its file and line, not dropped silently.
  EXPECT_NE(start.err.find("docker-compose.override.yml:8: services.worker.develop: ignored"),
            std::string::npos)
      << start.err;

  auto status = run_cli({"status", "--json", "--no-stats"}, options);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  std::vector<std::pair<std::string, int>> workers;
  const auto document = json::parse(status.out);  // a range-for over a temporary's member would dangle
  for (const auto& service : document["services"])
    if (service["name"] == "worker")
      workers.emplace_back(service["container"].get<std::string>(), service["replica"].get<int>());
  EXPECT_EQ(workers, (std::vector<std::pair<std::string, int>>{{project + "-worker-1", 1},
                                                               {project + "-worker-2", 2}}))
      << status.out;
  auto table = run_cli({"status", "--no-stats"}, options);
  EXPECT_NE(table.out.find("worker-1"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("worker-2"), std::string::npos) << table.out;

  auto logs = run_cli({"logs", "worker"}, options);
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_NE(logs.out.find("worker-1 |"), std::string::npos) << logs.out;
  EXPECT_NE(logs.out.find("worker-2 |"), std::string::npos) << logs.out;

  auto stop = run_cli({"stop"}, options);
  ASSERT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_TRUE(
      test_engine()
          .list_containers({{"label", {std::string(labels::kProject) + "=" + project}}}, true)
          .empty());
}

}  // namespace
}  // namespace ollama_stack::e2e
