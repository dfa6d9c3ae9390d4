// The GPU watchdog end to end: the stack on a second engine with the stand-in NVIDIA hook (the
// nvidia platform, Ollama given every GPU), its Ollama told to lose the GPU the way a host's
// `systemctl daemon-reload` takes it (the stand-in nvidia-smi then fails with the NVML error).
// `status` and `check` must say so, `check --fix` and `status --watch --heal` must cure it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/stack/labels.hpp"
#include "support/background.hpp"
#include "support/box_stack.hpp"
#include "support/harness.hpp"
#include "support/second_engine.hpp"
#include "support/tar_stream.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = stack::labels;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string check_result(const nlohmann::json& report, const std::string& id) {
  for (const auto& item : report["checks"])
    if (item["id"] == id)
      return item["status"].get<std::string>() + ": " + item["message"].get<std::string>();
  return "missing";
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

class GpuWatchTest : public ::testing::Test {
 protected:
  // One engine for the fixture: each start costs seconds.
  static void SetUpTestSuite() {
    if (!SecondEngine::available(nullptr) || !engine_available(nullptr)) return;  // SetUp says
    try {
      SecondEngineOptions options;
      options.host_name = "gpu-box";
      box_ = new SecondEngine(options);
      box_->load_image(standin_image("ollama"), {"ollama/ollama:latest"});
      box_->load_image(standin_image("webui"), {"ghcr.io/open-webui/open-webui:cuda"});
      box_->load_image(standin_image("mcpo"), {"ghcr.io/open-webui/mcpo:main"});
    } catch (const std::exception& error) {
      delete box_;
      box_ = nullptr;
      box_error_ = error.what();
    }
  }
  static void TearDownTestSuite() {
    delete box_;
    box_ = nullptr;
  }

  void SetUp() override {
    REQUIRE_ENGINE();
    REQUIRE_SECOND_ENGINE();
    ASSERT_NE(box_, nullptr) << "the second engine did not start: " << box_error_;
    project_ = unique_name("osk-e2e-gpuwatch");
    env_ = box_stack_env(*box_, project_, home_.path());
    ASSERT_EQ(cli({"install"}).exit_code, 0);
  }

  void TearDown() override {
    if (!project_.empty() && box_ != nullptr) cli({"stop"});
  }

  RunOptions options() { return box_run_options(env_); }
  RunResult cli(const std::vector<std::string>& args) { return run_cli(args, options()); }

  engine::ContainerInspect ollama() {
    auto found = box_->client().list_containers({{"label",
                                                  {std::string(labels::kProject) + "=" + project_,
                                                   std::string(labels::kService) + "=ollama"}}},
                                                true);
    if (found.size() != 1) throw std::runtime_error("no single ollama container on the box");
    return box_->client().inspect_container(found.front().id);
  }

  // What a host's `systemctl daemon-reload` does to the container, as the stand-in models it
  // (the image has no shell and no touch: the marker goes in through the archive API).
  void lose_gpu(const std::string& id) {
    TarStream marker({{"standin-gpu-lost", 0, 1}});
    box_->client().put_archive_stream(
        id, "/tmp", [&](char* buffer, size_t size) { return marker.read(buffer, size); });
  }

  static SecondEngine* box_;
  static std::string box_error_;
  TempDir home_{"/var/lib/ollama-stack-test/homes"};
  std::string project_;
  std::map<std::string, std::string> env_;
};

SecondEngine* GpuWatchTest::box_ = nullptr;
std::string GpuWatchTest::box_error_;

TEST_F(GpuWatchTest, ALostGpuIsShownCheckFixRestoresItAndWatchHealHealsItAlone) {
  auto start = cli({"start", "--platform", "nvidia", "--json"});
  ASSERT_EQ(start.exit_code, 0) << start.err << start.out << box_->log_tail();
  const auto first = ollama();

  // Healthy: Ollama sees the GPU, and a model loaded now lands in GPU memory.
  auto status = cli({"status", "--json", "--no-stats"});
  ASSERT_EQ(status.exit_code, 0) << status.err << status.out;
  auto gpu = nlohmann::json::parse(status.out)["gpu"];
  ASSERT_TRUE(gpu.is_object()) << status.out;
  EXPECT_EQ(gpu["ok"], true);
  ASSERT_EQ(gpu["containers"].size(), 1u);
  EXPECT_EQ(gpu["containers"][0]["container"], first.name);
  EXPECT_EQ(gpu["containers"][0]["requested"], "all");
  EXPECT_EQ(gpu["containers"][0]["seen"], 1);
  EXPECT_TRUE(gpu["containers"][0]["problem"].is_null());
  ASSERT_EQ(cli({"models", "pull", "standin-tiny", "standin-small"}).exit_code, 0);
  auto loaded = cli({"models", "load", "standin-tiny", "--json"});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_EQ(nlohmann::json::parse(loaded.out)["model"]["processor"], "gpu") << loaded.out;

  // Lost: status exits 4 naming it, with the cause and the fix; a model loaded now is on the CPU.
  lose_gpu(first.id);
  ASSERT_EQ(cli({"models", "load", "standin-small"}).exit_code, 0);
  status = cli({"status", "--no-stats"});
  EXPECT_EQ(status.exit_code, 4) << status.err << status.out;
  EXPECT_THAT(status.out, HasSubstr("gpu: the GPU is lost: `nvidia-smi -L` in " + first.name +
                                    " fails: Failed to initialize NVML: Unknown Error"));
  EXPECT_THAT(status.out, HasSubstr("native.cgroupdriver=cgroupfs"));
  status = cli({"status", "--json", "--no-stats"});
  EXPECT_EQ(status.exit_code, 4);
  auto document = nlohmann::json::parse(status.out);
  EXPECT_EQ(document["healthy"], false);
  gpu = document["gpu"]["containers"][0];
  EXPECT_EQ(document["gpu"]["ok"], false);
  EXPECT_EQ(gpu["problem"], "lost");
  EXPECT_EQ(gpu["seen"], 0);
  EXPECT_THAT(gpu["cause"].get<std::string>(), HasSubstr("systemctl daemon-reload"));
  EXPECT_EQ(gpu["models_on_cpu"], nlohmann::json::parse(R"(["standin-small:latest"])"));

  auto check = cli({"check", "--json"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_THAT(check_result(nlohmann::json::parse(check.out), "gpu"),
              AllOf(StartsWith("fail: "), HasSubstr("Failed to initialize NVML")));

  // check --fix restarts Ollama, sees the GPU back, and says what it did.
  auto fixed = cli({"check", "--fix", "--json"});
  const auto report = nlohmann::json::parse(fixed.out);
  EXPECT_THAT(check_result(report, "gpu"), AllOf(StartsWith("pass: "), HasSubstr("sees 1 GPU")));
  ASSERT_EQ(report["fixed"].size(), 1u) << fixed.out;
  EXPECT_THAT(report["fixed"][0].get<std::string>(), StartsWith("restarted " + first.name));
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out;
  const auto second = ollama();
  EXPECT_NE(second.state.started_at, first.state.started_at);
  status = cli({"status", "--no-stats"});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_THAT(status.out, HasSubstr("gpu: " + first.name + " sees 1 GPU"));

  // Lost again: the watch heals it alone, once.
  lose_gpu(second.id);
  Background watch({"status", "--watch", "--heal", "--interval", "0.3", "--no-stats"}, options());
  const bool healed = wait_until(
      [&] {
        const auto out = watch.out();
        const auto healed_at = out.find("healed: restarted " + first.name);
        // the frame of the heal shows it healthy, and so must a later one, which restarts nothing
        return healed_at != std::string::npos &&
               count_of(out.substr(healed_at), "gpu: " + first.name + " sees 1 GPU") >= 2;
      },
      std::chrono::seconds(60));
  watch.interrupt_group(SIGINT);
  const auto ended = watch.wait(std::chrono::seconds(20));
  ASSERT_TRUE(healed) << ended.out << ended.err;
  EXPECT_EQ(ended.exit_code, 0) << ended.err;
  EXPECT_EQ(count_of(ended.out, "healed: "), 1u) << ended.out;
  const auto third = ollama();
  EXPECT_NE(third.state.started_at, second.state.started_at);
  EXPECT_TRUE(third.state.running);
  const auto smi = box_->client().exec(third.id, {"nvidia-smi", "-L"}, std::chrono::seconds(10));
  EXPECT_EQ(smi.exit_code, 0) << smi.out << smi.err;
  EXPECT_THAT(smi.out, StartsWith("GPU 0: "));
}

}  // namespace
}  // namespace ollama_stack::e2e
