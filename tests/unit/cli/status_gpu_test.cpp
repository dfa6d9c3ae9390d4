// status's GPU part: the `gpu` field of --json and the lines under the table.
#include "ollama_stack/cli/status_gpu.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ollama_stack::cli {
namespace {

using ::testing::HasSubstr;

stack::WatchedOllama lost_ollama() {
  stack::GpuProbe failed;
  failed.ran = true;
  failed.exit_code = 255;
  failed.output = "Failed to initialize NVML: Unknown Error";
  const stack::GpuRequest all{true, -1, {}};
  return {"ollama",
          {"id1", "p-ollama-1", all, stack::judge_gpus(all, failed, "p-ollama-1")},
          {"b:latest"},
          ""};
}

TEST(StatusGpu, NullWithoutAGpuOllamaElseEveryContainerWithItsProblem) {
  EXPECT_TRUE(status_gpu_json({}).is_null());

  StatusGpu gpu;
  gpu.watch.containers.push_back(lost_ollama());
  const auto document = status_gpu_json(gpu);
  EXPECT_EQ(document["ok"], false);
  EXPECT_EQ(document["healed"], nlohmann::json::array());
  const auto& entry = document["containers"][0];
  EXPECT_EQ(entry["service"], "ollama");
  EXPECT_EQ(entry["container"], "p-ollama-1");
  EXPECT_EQ(entry["requested"], "all");
  EXPECT_EQ(entry["seen"], 0);
  EXPECT_EQ(entry["gpus"], nlohmann::json::array());
  EXPECT_EQ(entry["ok"], false);
  EXPECT_EQ(entry["problem"], "lost");
  EXPECT_THAT(entry["message"].get<std::string>(), HasSubstr("Failed to initialize NVML"));
  EXPECT_THAT(entry["fix"].get<std::string>(), HasSubstr("check --fix"));
  EXPECT_EQ(entry["models_on_cpu"], nlohmann::json::parse(R"(["b:latest"])"));
  EXPECT_TRUE(entry["ps_error"].is_null());
}

TEST(StatusGpu, TheLinesNameTheLossItsCauseItsFixAndWhatTheHealDid) {
  StatusGpu gpu;
  gpu.watch.containers.push_back(lost_ollama());
  gpu.heals.push_back({"p-ollama-1", false, "p-ollama-1 was not restarted: busy"});
  const TerminalCaps plain{};
  EXPECT_EQ(render_status_gpu(gpu, plain),
            "not healed: p-ollama-1 was not restarted: busy\n"
            "gpu: the GPU is lost: `nvidia-smi -L` in p-ollama-1 fails: Failed to initialize NVML: "
            "Unknown Error\n"
            "  cause: " +
                gpu.watch.containers[0].gpu.verdict.cause +
                "\n"
                "  fix: " +
                gpu.watch.containers[0].gpu.verdict.fix + "\n");
  EXPECT_EQ(render_status_gpu({}, plain), "");
}

}  // namespace
}  // namespace ollama_stack::cli
