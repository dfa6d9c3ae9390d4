// The GPU watchdog's probe against the real engine: `nvidia-smi -L` run inside a stand-in Ollama
// container through the exec API, the stand-in told to lose its GPU (the NVML error of a container
// whose devices went away), and the cure, a restart, bringing it back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/stack/gpu/gpu_watch.hpp"
#include "support/harness.hpp"
#include "support/tar_stream.hpp"

namespace ollama_stack::e2e {
namespace {

using ::testing::HasSubstr;

class GpuProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    run_id_ = unique_name("osk-e2e-gpuprobe");
  }
  void TearDown() override {
    if (!run_id_.empty()) remove_labelled("ollama-stack.test", run_id_);
  }

  std::string start_ollama(const std::vector<std::string>& env) {
    nlohmann::json body{{"Image", standin_image("ollama")},
                        {"Labels", {{"ollama-stack.test", run_id_}}},
                        {"Env", env},
                        {"StopTimeout", 5}};
    auto id = test_engine().create_container(unique_name(run_id_), body);
    test_engine().start_container(id);
    return id;
  }

  // What a host's `systemctl daemon-reload` does to the container, as the stand-in models it.
  void lose_gpu(const std::string& id) {
    TarStream marker({{"standin-gpu-lost", 0, 1}});
    test_engine().put_archive_stream(
        id, "/tmp", [&](char* buffer, size_t size) { return marker.read(buffer, size); });
  }

  std::string run_id_;
};

TEST_F(GpuProbeTest, SeesTheGpusLosesThemAndARestartBringsThemBack) {
  auto id = start_ollama({"STANDIN_NVIDIA_GPUS=NVIDIA A10;Tesla T4"});
  auto& engine = test_engine();
  const stack::GpuRequest all{true, -1, {}};

  auto probe = stack::probe_gpus(engine, id);
  ASSERT_TRUE(probe.ran) << probe.output;
  EXPECT_EQ(probe.exit_code, 0) << probe.output;
  ASSERT_EQ(probe.gpus.size(), 2u) << probe.output;
  EXPECT_EQ(probe.gpus[1].name, "Tesla T4");
  EXPECT_EQ(probe.gpus[1].uuid.rfind("GPU-", 0), 0u);
  EXPECT_EQ(stack::probe_gpus(engine, id).gpus[1].uuid, probe.gpus[1].uuid)
      << "a GPU keeps its UUID";
  EXPECT_TRUE(stack::judge_gpus(all, probe, "ollama").ok);
  EXPECT_FALSE(stack::judge_gpus({true, 3, {}}, probe, "ollama").ok) << "3 asked, 2 seen";

  lose_gpu(id);
  auto lost = stack::probe_gpus(engine, id);
  EXPECT_NE(lost.exit_code, 0);
  EXPECT_EQ(lost.output, "Failed to initialize NVML: Unknown Error");
  auto verdict = stack::judge_gpus(all, lost, "ollama");
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.message, HasSubstr("Failed to initialize NVML: Unknown Error"));

  stack::OllamaGpu watched{id, "ollama", all, verdict};
  auto healed = stack::heal_ollama_gpu(engine, watched);
  EXPECT_TRUE(healed.ok) << healed.message;
  EXPECT_THAT(healed.message, HasSubstr("sees 2 GPUs"));
  EXPECT_TRUE(engine.inspect_container(id).state.running);
}

}  // namespace
}  // namespace ollama_stack::e2e
