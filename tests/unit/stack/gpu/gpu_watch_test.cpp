#include "ollama_stack/stack/gpu/gpu_watch.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ollama_stack::stack {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kTwoGpus =
    "GPU 0: NVIDIA A10 (UUID: GPU-f15ae561-21b1-6003-c768-861fc285203b)\n"
    "GPU 1: Tesla T4 (UUID: GPU-bf507abe-ec25-2053-5435-1c82511a3ae8)\n";

json with_requests(json requests) {
  return {{"HostConfig", {{"DeviceRequests", std::move(requests)}}}};
}

GpuProbe seen(const std::string& output, int exit_code = 0) {
  GpuProbe probe;
  probe.ran = true;
  probe.exit_code = exit_code;
  probe.output = output;
  probe.gpus = parse_nvidia_smi_list(output);
  return probe;
}

TEST(GpuWatch, ParsesNvidiaSmiListLines) {
  auto gpus = parse_nvidia_smi_list(std::string("Warning: something\n") + kTwoGpus);
  ASSERT_EQ(gpus.size(), 2u);
  EXPECT_EQ(gpus[0].index, 0);
  EXPECT_EQ(gpus[0].name, "NVIDIA A10");
  EXPECT_EQ(gpus[1].uuid, "GPU-bf507abe-ec25-2053-5435-1c82511a3ae8");
  EXPECT_TRUE(parse_nvidia_smi_list("Failed to initialize NVML: Unknown Error\n").empty());
}

TEST(GpuWatch, ReadsWhatTheContainerRequested) {
  auto all = gpu_request_of(
      with_requests({{{"Driver", "nvidia"}, {"Count", -1}, {"Capabilities", {{"gpu"}}}}}));
  EXPECT_TRUE(all.requested);
  EXPECT_EQ(all.count, -1);
  auto two = gpu_request_of(
      with_requests({{{"Driver", ""},
                      {"Count", 2},
                      {"Capabilities", json::array({json::array({"gpu", "utility"})})}}}));
  EXPECT_TRUE(two.requested);
  EXPECT_EQ(two.count, 2);
  auto named = gpu_request_of(with_requests({{{"Driver", "nvidia"}, {"DeviceIDs", {"1"}}}}));
  EXPECT_EQ(named.device_ids, std::vector<std::string>{"1"});
  auto cdi =
      gpu_request_of(with_requests({{{"Driver", "cdi"}, {"DeviceIDs", {"nvidia.com/gpu=all"}}}}));
  EXPECT_TRUE(cdi.requested);
  EXPECT_EQ(cdi.count, -1);
  EXPECT_FALSE(gpu_request_of(with_requests(nullptr)).requested);
  EXPECT_FALSE(gpu_request_of(json::object()).requested);
  EXPECT_FALSE(
      gpu_request_of(with_requests({{{"Driver", "cdi"}, {"DeviceIDs", {"amd.com/gpu=all"}}}}))
          .requested);
}

TEST(GpuWatch, TheNvmlErrorIsALostGpuWithCauseAndFix) {
  GpuRequest all{true, -1, {}};
  auto verdict = judge_gpus(all, seen("Failed to initialize NVML: Unknown Error", 255), "ollama");
  EXPECT_FALSE(verdict.ok);
  EXPECT_THAT(verdict.message, HasSubstr("the GPU is lost"));
  EXPECT_THAT(verdict.message, HasSubstr("Failed to initialize NVML: Unknown Error"));
  EXPECT_THAT(verdict.cause, HasSubstr("systemctl daemon-reload"));
  EXPECT_THAT(verdict.fix, HasSubstr("native.cgroupdriver=cgroupfs"));
  EXPECT_THAT(verdict.fix, HasSubstr("ollama-stack restart"));
}

TEST(GpuWatch, FewerGpusThanRequestedOrAMissingIdIsNotOk) {
  auto two = seen(kTwoGpus);
  EXPECT_TRUE(judge_gpus({true, -1, {}}, two, "ollama").ok);
  EXPECT_TRUE(judge_gpus({true, 2, {}}, two, "ollama").ok);
  auto three = judge_gpus({true, 3, {}}, two, "ollama");
  EXPECT_FALSE(three.ok);
  EXPECT_THAT(three.message, HasSubstr("sees 2 GPUs of the 3 GPUs it was given"));
  EXPECT_TRUE(
      judge_gpus({true, 0, {"GPU-bf507abe-ec25-2053-5435-1c82511a3ae8"}}, two, "ollama").ok);
  auto gone = judge_gpus({true, 0, {"0", "5"}}, two, "ollama");
  EXPECT_FALSE(gone.ok);
  EXPECT_THAT(gone.message, HasSubstr("missing: 5"));
}

TEST(GpuWatch, AHealthyProbeNamesTheGpusAndNoRequestIsNotJudged) {
  auto verdict = judge_gpus({true, -1, {}}, seen(kTwoGpus), "ollama");
  EXPECT_TRUE(verdict.ok);
  EXPECT_THAT(verdict.message, HasSubstr("GPU 0: NVIDIA A10, GPU 1: Tesla T4"));
  EXPECT_TRUE(judge_gpus({}, seen("Failed to initialize NVML: Unknown Error", 255), "ollama").ok);
  GpuProbe refused;
  refused.output = "exec failed: nvidia-smi: not found";
  auto cannot = judge_gpus({true, -1, {}}, refused, "ollama");
  EXPECT_FALSE(cannot.ok);
  EXPECT_THAT(cannot.message, HasSubstr("cannot run"));
}

}  // namespace
}  // namespace ollama_stack::stack
