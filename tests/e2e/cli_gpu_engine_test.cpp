// The engine decides: the stack run against a second engine (a stand-in "GPU box" in its own
// namespaces, tests/e2e/support/second_engine.hpp) from a client with no GPU. That engine has the
// stand-in NVIDIA hook and runtime, stand-in AMD device nodes, and the stand-in images under the
// stack's real default names, so the platforms' own files are what gets tested.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/service_http.hpp"
#include "support/box_stack.hpp"
#include "support/harness.hpp"
#include "support/second_engine.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = stack::labels;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// ubuntu:24.04's /etc/group (base-passwd), which ollama/ollama:rocm is built on: `video` is there
// and `render` is not, so a group_add of "render" by name would fail at start.
constexpr const char* kUbuntuGroups =
    "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nvideo:x:44:"
    "\nplugdev:x:46:\n"
    "users:x:100:\nnogroup:x:65534:\n";
constexpr unsigned kRenderGid = 993;  // the GPU box's render group

// "<status>: <message>" of the check `id` in a `check --json` report, or "missing".
std::string check_result(const nlohmann::json& report, const std::string& id) {
  for (const auto& item : report["checks"])
    if (item["id"] == id)
      return item["status"].get<std::string>() + ": " + item["message"].get<std::string>();
  return "missing";
}

class GpuEngineTest : public ::testing::Test {
 protected:
  // The GPU tests' homes are visible to the box by default; HiddenHomeTest's is not (the stack
  // must not need a client path: the MCP config reaches the proxy through a volume).
  explicit GpuEngineTest(const std::string& home_parent = "/var/lib/ollama-stack-test/homes")
      : home_(home_parent) {}

  static void SetUpTestSuite() {
    if (!SecondEngine::available(nullptr) || !engine_available(nullptr))
      return;  // SetUp reports it
    try {
      start_box();
    } catch (const std::exception& error) {
      delete box_;
      box_ = nullptr;
      box_error_ = error.what();
    }
  }
  static void start_box() {
    SecondEngineOptions options;
    options.host_name = "gpu-box";
    options.devices = {{"/dev/kfd", 235, 0, kRenderGid},
                       {"/dev/dri/card0", 226, 0, 44},
                       {"/dev/dri/renderD128", 226, 128, kRenderGid}};
    box_ = new SecondEngine(options);
    box_->load_image(standin_image("ollama"), {"ollama/ollama:latest"});
    box_->derive_image(standin_image("ollama"), "ollama/ollama:rocm",
                       {{"/etc/group", kUbuntuGroups}});
    box_->load_image(standin_image("webui"),
                     {"ghcr.io/open-webui/open-webui:main", "ghcr.io/open-webui/open-webui:cuda"});
    box_->load_image(standin_image("mcpo"), {"ghcr.io/open-webui/mcpo:main"});
    box_->load_image(standin_image("mcp-ext"));
  }
  static void TearDownTestSuite() {
    delete box_;
    box_ = nullptr;
  }

  void SetUp() override {
    REQUIRE_ENGINE();
    REQUIRE_SECOND_ENGINE();
    ASSERT_NE(box_, nullptr) << "the second engine did not start: " << box_error_;
    project_ = unique_name("osk-e2e-gpu");
    env_ = box_stack_env(*box_, project_, home_.path());
    ASSERT_EQ(cli({"install"}).exit_code, 0);
  }

  void TearDown() override {
    if (project_.empty() || box_ == nullptr) return;
    cli({"stop"});
    // Nothing of this test ever reached the first engine.
    for (const char* label : {labels::kProject, labels::kInstallation}) {
      const engine::Filters mine{{"label", {std::string(label) + "=" + project_}}};
      EXPECT_TRUE(test_engine().list_containers(mine, true).empty());
      EXPECT_TRUE(test_engine().list_networks(mine).empty());
    }
  }

  RunResult cli(const std::vector<std::string>& args) {
    return run_cli(args, box_run_options(env_));
  }

  engine::ContainerInspect service(const std::string& name) {
    auto containers =
        box_->client().list_containers({{"label",
                                         {std::string(labels::kProject) + "=" + project_,
                                          std::string(labels::kService) + "=" + name}}},
                                       true);
    if (containers.size() != 1)
      throw std::runtime_error("no single " + name + " container on the second engine");
    return box_->client().inspect_container(containers.front().id);
  }

  static SecondEngine* box_;
  static std::string box_error_;
  TempDir home_;
  std::string project_;
  std::map<std::string, std::string> env_;
};

SecondEngine* GpuEngineTest::box_ = nullptr;
std::string GpuEngineTest::box_error_;

TEST_F(GpuEngineTest, AutoPicksNvidiaFromTheEnginesFactsAndTheHookRunsForEveryGpuContainer) {
  auto start = cli({"start", "--platform", "auto", "--json"});
  ASSERT_EQ(start.exit_code, 0) << start.err << start.out << box_->log_tail();
  EXPECT_EQ(nlohmann::json::parse(start.out)["platform"], "nvidia");

  // Ollama asks for every NVIDIA GPU, and the engine ran the hook for it with all of them.
  const auto ollama = service("ollama");
  const auto& requests = ollama.raw["HostConfig"]["DeviceRequests"];
  ASSERT_EQ(requests.size(), 1u) << requests.dump();
  EXPECT_EQ(requests[0]["Driver"], "nvidia");
  EXPECT_EQ(requests[0]["Count"], -1);
  EXPECT_EQ(requests[0]["Capabilities"], nlohmann::json::parse(R"([["gpu"]])"));
  EXPECT_EQ(ollama.raw["Config"]["Image"], "ollama/ollama:latest");
  auto hooked = [&](const std::string& id) {
    for (const auto& call : box_->hook_calls())
      if (call.container_id == id && call.args == "prestart" && call.visible_devices == "all")
        return true;
    return false;
  };
  EXPECT_TRUE(hooked(ollama.id)) << "no prestart hook call for " << ollama.id;

  // The nvidia decision for Open WebUI: its CUDA image, with the GPUs.
  const auto webui = service("webui");
  EXPECT_EQ(webui.raw["Config"]["Image"], "ghcr.io/open-webui/open-webui:cuda");
  EXPECT_EQ(webui.raw["HostConfig"]["DeviceRequests"][0]["Driver"], "nvidia");
  EXPECT_TRUE(hooked(webui.id));
  // The MCP proxy gets no GPU.
  EXPECT_TRUE(service("mcp_proxy").raw["HostConfig"]["DeviceRequests"].is_null() ||
              service("mcp_proxy").raw["HostConfig"]["DeviceRequests"].empty());

  // status, version and check say which platform and from which facts.
  auto status = cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err << status.out;
  const auto platform = nlohmann::json::parse(status.out)["platform"];
  EXPECT_EQ(platform["name"], "nvidia");
  EXPECT_EQ(platform["chosen_by"], "detected");
  EXPECT_EQ(platform["gpu_request"], "nvidia");
  EXPECT_THAT(platform["reason"].get<std::string>(), HasSubstr("nvidia runtime"));
  EXPECT_THAT(platform["evidence"].get<std::vector<std::string>>(),
              Contains(HasSubstr("host \"gpu-box\"")));

  auto version = cli({"version", "--json"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  const auto facts = nlohmann::json::parse(version.out)["platform"]["facts"];
  EXPECT_EQ(nlohmann::json::parse(version.out)["platform"]["detected"], "nvidia");
  EXPECT_EQ(facts["engine"]["name"], "gpu-box");
  EXPECT_EQ(facts["engine_runs_here"], false);
  EXPECT_TRUE(facts["local"].is_null()) << "this machine's own GPU facts must not count";

  auto check = cli({"check", "--json"});
  const auto report = nlohmann::json::parse(check.out);
  EXPECT_EQ(report["platform"]["name"], "nvidia");
  EXPECT_THAT(check_result(report, "nvidia"), StartsWith("pass: "));
  EXPECT_THAT(check_result(report, "platform"),
              HasSubstr("nvidia (the engine has the nvidia runtime"));
}

TEST_F(GpuEngineTest, AmdCreatesOllamaWithTheRocmImageBothDevicesAndTheGroups) {
  std::ofstream(home_.path() + "/.env", std::ios::app)
      << "RENDER_GID=" << kRenderGid << "\nHSA_OVERRIDE_GFX_VERSION=10.3.0\n";
  auto start = cli({"start", "--platform", "amd", "--json"});
  ASSERT_EQ(start.exit_code, 0) << start.err << start.out << box_->log_tail();
  EXPECT_EQ(nlohmann::json::parse(start.out)["platform"], "amd");

  const auto ollama = service("ollama");
  EXPECT_EQ(ollama.raw["Config"]["Image"], "ollama/ollama:rocm");
  EXPECT_EQ(ollama.state.status, "running");
  std::vector<std::string> mapped;
  for (const auto& device : ollama.raw["HostConfig"]["Devices"]) {
    EXPECT_EQ(device["PathOnHost"], device["PathInContainer"]);
    mapped.push_back(device["PathOnHost"]);
  }
  EXPECT_EQ(mapped, (std::vector<std::string>{"/dev/kfd", "/dev/dri"}));
  EXPECT_EQ(ollama.raw["HostConfig"]["GroupAdd"], nlohmann::json::parse(R"(["video", "993"])"));
  EXPECT_THAT(ollama.raw["Config"]["Env"].get<std::vector<std::string>>(),
              Contains("HSA_OVERRIDE_GFX_VERSION=10.3.0"));
  EXPECT_TRUE(ollama.raw["HostConfig"]["DeviceRequests"].is_null() ||
              ollama.raw["HostConfig"]["DeviceRequests"].empty());
  EXPECT_EQ(service("webui").raw["Config"]["Image"], "ghcr.io/open-webui/open-webui:main");

  auto check = cli({"check", "--json", "--platform", "amd"});
  EXPECT_THAT(check_result(nlohmann::json::parse(check.out), "amd"),
              AllOf(StartsWith("pass: "), HasSubstr("video and group 993")));
}

// The client's home in its temp dir, which the box cannot see (a tmpfs covers it there).
class HiddenHomeTest : public GpuEngineTest {
 protected:
  HiddenHomeTest() : GpuEngineTest(std::filesystem::temp_directory_path().string()) {}

  // Starts the stack; no container may need a path of this home (the MCP config is a volume).
  void start_stack() {
    auto start = cli({"start", "--platform", "cpu", "--json"});
    ASSERT_EQ(start.exit_code, 0) << start.err << start.out;
  }
};

TEST_F(HiddenHomeTest, McpProxyServesItsConfigAlthoughTheHomeIsInvisible) {
  start_stack();
  if (HasFatalFailure()) return;
  const auto answer = stack::http_request(
      "http://" + box_->address() + ":" + env_["MCP_PROXY_PORT"] + "/openapi.json", {});
  ASSERT_EQ(answer.status, 200) << answer.error << answer.body;
  EXPECT_THAT(
      nlohmann::json::parse(answer.body)["x-standin-servers"].get<std::vector<std::string>>(),
      Contains("time"));
}

TEST_F(HiddenHomeTest, ExtensionsStartOnTheEngineThatCannotSeeTheHome) {
  namespace fs = std::filesystem;
  fs::create_directories(fs::path(home_.path()) / "extensions");
  fs::copy(fs::path(OLLAMA_STACK_SOURCE_DIR) / "tests/extensions/mcp-test",
           fs::path(home_.path()) / "extensions/mcp-test", fs::copy_options::recursive);
  env_["MCP_EXT_IMAGE"] = standin_image("mcp-ext");
  ASSERT_EQ(cli({"extensions", "enable", "mcp-test"}).exit_code, 0);
  start_stack();
  if (HasFatalFailure()) return;
  auto started = cli({"extensions", "start", "mcp-test", "--json"});
  ASSERT_EQ(started.exit_code, 0) << started.err << started.out;
  auto status = cli({"extensions", "list", "--running", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const auto listed = nlohmann::json::parse(status.out)["extensions"];
  ASSERT_EQ(listed.size(), 1u) << status.out;
  EXPECT_EQ(listed[0]["name"], "mcp-test");
  const auto answer = stack::http_request(
      "http://" + box_->address() + ":" + env_["MCP_PROXY_PORT"] + "/openapi.json", {});
  ASSERT_EQ(answer.status, 200) << answer.error;
  EXPECT_THAT(
      nlohmann::json::parse(answer.body)["x-standin-servers"].get<std::vector<std::string>>(),
      Contains("mcp-test"));
}

}  // namespace
}  // namespace ollama_stack::e2e
