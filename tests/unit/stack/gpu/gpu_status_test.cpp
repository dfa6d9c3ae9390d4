// The watchdog's judgements on the stack: models loaded with no GPU memory, and the `check` item.
#include "ollama_stack/stack/gpu/gpu_status.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/stack/checks/checks.hpp"

namespace ollama_stack::stack {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

RunningModel model(const std::string& name, int64_t size, int64_t vram) {
  RunningModel loaded;
  loaded.name = name;
  loaded.size = size;
  loaded.size_vram = vram;
  return loaded;
}

GpuVerdict sees_one() {
  GpuProbe probe;
  probe.ran = true;
  probe.gpus = {{0, "NVIDIA A10", "GPU-1"}};
  return judge_gpus({true, -1, {}}, probe, "p-ollama-1");
}

TEST(GpuStatus, AModelWithNoGpuMemoryOnAContainerThatSeesItsGpuIsAProblem) {
  auto verdict = sees_one();
  ASSERT_TRUE(verdict.ok);
  const auto on_cpu = judge_loaded_models(
      verdict, {model("a:latest", 100, 100), model("b:latest", 100, 0)}, "p-ollama-1");
  EXPECT_THAT(on_cpu, ElementsAre("b:latest"));
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.problem, "models_on_cpu");
  EXPECT_EQ(verdict.message,
            "b:latest is loaded in p-ollama-1 with no GPU memory, so Ollama runs it on the CPU");
  EXPECT_THAT(verdict.fix, HasSubstr("ollama-stack check --fix"));
}

TEST(GpuStatus, PartlyInGpuMemoryIsFineAndALostGpuStaysTheProblem) {
  auto verdict = sees_one();
  EXPECT_TRUE(judge_loaded_models(verdict, {model("a:latest", 100, 60)}, "c").empty());
  EXPECT_TRUE(verdict.ok);

  GpuProbe failed;
  failed.ran = true;
  failed.exit_code = 255;
  failed.output = "Failed to initialize NVML: Unknown Error";
  auto lost = judge_gpus({true, -1, {}}, failed, "c");
  EXPECT_THAT(judge_loaded_models(lost, {model("b:latest", 100, 0)}, "c"), ElementsAre("b:latest"));
  EXPECT_EQ(lost.problem, "lost") << "the cause, not its symptom";
}

TEST(GpuStatus, TheCheckSkipsWithoutAGpuOllamaAndFailsWithCauseAndFix) {
  GpuWatch none;
  EXPECT_TRUE(none.ok());
  auto skipped = evaluate_gpu_watch(none, Platform::cpu);
  EXPECT_EQ(skipped.status, CheckStatus::skip);
  EXPECT_EQ(skipped.message, "not the nvidia platform");
  EXPECT_EQ(evaluate_gpu_watch(none, Platform::nvidia).message,
            "no running Ollama container was given NVIDIA GPUs");

  GpuWatch healthy;
  healthy.containers.push_back(
      {"ollama", {"id", "p-ollama-1", {true, -1, {}}, sees_one()}, {}, ""});
  auto passed = evaluate_gpu_watch(healthy, Platform::nvidia);
  EXPECT_EQ(passed.status, CheckStatus::pass);
  EXPECT_EQ(passed.message, "p-ollama-1 sees 1 GPU: GPU 0: NVIDIA A10");

  GpuProbe failed;
  failed.ran = true;
  failed.exit_code = 255;
  failed.output = "Failed to initialize NVML: Unknown Error";
  GpuWatch lost;
  lost.containers.push_back(
      {"ollama",
       {"id", "p-ollama-1", {true, -1, {}}, judge_gpus({true, -1, {}}, failed, "p-ollama-1")},
       {},
       ""});
  EXPECT_FALSE(lost.ok());
  auto failing = evaluate_gpu_watch(lost, Platform::nvidia);
  EXPECT_EQ(failing.status, CheckStatus::fail);
  EXPECT_THAT(failing.message, HasSubstr("Failed to initialize NVML: Unknown Error"));
  EXPECT_THAT(failing.message, HasSubstr("systemctl daemon-reload"));
  EXPECT_THAT(failing.fix, HasSubstr("native.cgroupdriver=cgroupfs"));
}

}  // namespace
}  // namespace ollama_stack::stack
