// decide_platform: the engine's facts decide; this machine's count only when the engine runs here.
#include "ollama_stack/stack/home/platform.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

EngineFacts linux_engine(std::string name = "box") {
  EngineFacts engine;
  engine.os_type = "linux";
  engine.architecture = "x86_64";
  engine.name = std::move(name);
  engine.server_version = "20.10.24";
  engine.runtimes = {"io.containerd.runc.v2", "runc"};
  return engine;
}

// A client on another machine than the engine (a laptop driving a GPU server).
PlatformFacts remote(EngineFacts engine) {
  PlatformFacts facts;
  facts.client_os = "linux";
  facts.client_arch = "x86_64";
  facts.client_host = "laptop";
  facts.endpoint = "tcp://gpu-box:2376";
  facts.engine = std::move(engine);
  return facts;
}

// The engine runs on this machine, which has `local`.
PlatformFacts here(LocalFacts local, EngineFacts engine = linux_engine()) {
  PlatformFacts facts = remote(std::move(engine));
  facts.client_host = facts.engine->name;
  facts.endpoint = "unix:///var/run/docker.sock";
  facts.endpoint_local = true;
  facts.local = std::move(local);
  return facts;
}

TEST(Platform, ParseAndNames) {
  EXPECT_EQ(parse_platform("amd"), Platform::amd);
  EXPECT_EQ(parse_platform("auto"), std::nullopt);
  EXPECT_EQ(to_string(Platform::amd), "amd");
  EXPECT_THAT(platform_choices(), Contains("amd"));
  EXPECT_THROW(parse_platform("rocm"), Error);
}

TEST(Platform, EngineRunsHereNeedsALocalEndpointAndTheSameHostName) {
  EXPECT_TRUE(engine_runs_here(here({})));
  auto vm = here({});
  vm.engine->name = "docker-desktop";  // a local socket into a VM or another namespace
  EXPECT_FALSE(engine_runs_here(vm));
  EXPECT_FALSE(engine_runs_here(remote(linux_engine())));
}

TEST(Platform, RemoteEngineWithTheNvidiaRuntimeIsNvidiaAlthoughTheClientHasNoGpu) {
  auto engine = linux_engine("gpu-box");
  engine.runtimes.push_back("nvidia");
  auto decision = decide_platform(remote(engine));
  EXPECT_EQ(decision.platform, Platform::nvidia);
  EXPECT_EQ(decision.nvidia_request, NvidiaRequest::driver);
  EXPECT_EQ(decision.chosen_by, "detected");
  EXPECT_THAT(decision.reason, HasSubstr("nvidia runtime"));
  EXPECT_THAT(decision.evidence,
              Contains(HasSubstr("engine runtimes: io.containerd.runc.v2, runc, nvidia")));
  EXPECT_THAT(decision.evidence, Contains(HasSubstr("does not run on this machine")));
  EXPECT_THAT(decision.warnings, IsEmpty());
}

TEST(Platform, CdiOnlyEngineRequestsGpusThroughCdi) {
  auto engine = linux_engine("gpu-box");
  engine.server_version = "28.3.0";
  engine.cdi_spec_dirs = {"/etc/cdi", "/var/run/cdi"};
  engine.discovered_devices = std::vector<std::string>{"nvidia.com/gpu=0", "nvidia.com/gpu=all"};
  auto decision = decide_platform(remote(engine));
  EXPECT_EQ(decision.platform, Platform::nvidia);
  EXPECT_EQ(decision.nvidia_request, NvidiaRequest::cdi);
  EXPECT_THAT(decision.reason, HasSubstr("nvidia.com/gpu=0, nvidia.com/gpu=all"));
  EXPECT_THAT(describe(decision), HasSubstr("CDI"));
  // A local engine (API < 1.50 lists no devices) whose CDI dir holds an NVIDIA spec: the same.
  engine.discovered_devices.reset();
  auto local = here(
      {.nvidia_driver = "/proc/driver/nvidia/version", .nvidia_cdi_spec = "/etc/cdi/nvidia.yaml"},
      engine);
  auto from_spec = decide_platform(local);
  EXPECT_EQ(from_spec.platform, Platform::nvidia);
  EXPECT_EQ(from_spec.nvidia_request, NvidiaRequest::cdi);
  // With the nvidia runtime too, the engine's nvidia driver is used.
  local.engine->runtimes.push_back("nvidia");
  EXPECT_EQ(decide_platform(local).nvidia_request, NvidiaRequest::driver);
}

TEST(Platform, LocalDriverWithoutToolkitFallsBackToCpuWithTheFix) {
  auto decision = decide_platform(here({.nvidia_driver = "/proc/driver/nvidia/version"}));
  EXPECT_EQ(decision.platform, Platform::cpu);
  ASSERT_EQ(decision.warnings.size(), 1u);
  EXPECT_THAT(decision.warnings[0], HasSubstr("nvidia-ctk runtime configure"));
}

TEST(Platform, LocalDriverAndHookIsNvidiaWithoutTheRuntime) {
  // The engine registers its nvidia driver when the hook is on its PATH; /info does not show it.
  auto decision = decide_platform(here(
      {.nvidia_driver = "nvidia-smi", .nvidia_hook = "/usr/bin/nvidia-container-runtime-hook"}));
  EXPECT_EQ(decision.platform, Platform::nvidia);
  EXPECT_EQ(decision.nvidia_request, NvidiaRequest::driver);
}

TEST(Platform, LocalEngineSetUpForNvidiaButNoDriverLoadedRunsOnTheCpu) {
  auto engine = linux_engine();
  engine.runtimes.push_back("nvidia");
  auto decision = decide_platform(here({}, engine));
  EXPECT_EQ(decision.platform, Platform::cpu);
  ASSERT_EQ(decision.warnings.size(), 1u);
  EXPECT_THAT(decision.warnings[0], HasSubstr("no NVIDIA driver loaded"));
}

TEST(Platform, AmdFromTheLocalKfdOrTheEnginesCdiDevices) {
  auto decision = decide_platform(here({.amd_kfd = true, .amd_dri = true, .kfd_gid = 993u}));
  EXPECT_EQ(decision.platform, Platform::amd);
  EXPECT_EQ(decision.render_gid, 993u);
  auto engine = linux_engine("amd-box");
  engine.discovered_devices = std::vector<std::string>{"amd.com/gpu=0"};
  auto cdi = decide_platform(remote(engine));
  EXPECT_EQ(cdi.platform, Platform::amd);
  EXPECT_EQ(cdi.render_gid, std::nullopt);  // a remote host's groups are not known here
  // NVIDIA wins when both are there, as the engine registers its NVIDIA drivers first.
  auto both = here({.nvidia_driver = "nvidia-smi",
                    .nvidia_hook = "/usr/bin/nvidia-container-runtime-hook",
                    .amd_kfd = true});
  EXPECT_EQ(decide_platform(both).platform, Platform::nvidia);
}

TEST(Platform, RemoteEngineWithoutHintsIsCpuAndSaysHowToAsk) {
  auto decision = decide_platform(remote(linux_engine("gpu-box")));
  EXPECT_EQ(decision.platform, Platform::cpu);
  EXPECT_THAT(decision.reason, HasSubstr("--platform nvidia or amd"));
  // The client's own GPU never counts for a remote engine: there are no local facts at all.
  EXPECT_THAT(decision.evidence, Contains(HasSubstr("not looked at")));
}

TEST(Platform, AppleNeedsAMacClientWithALocalArmEngine) {
  PlatformFacts mac;
  mac.client_os = "darwin";
  mac.client_arch = "arm64";
  mac.client_host = "mac";
  mac.endpoint = "unix:///Users/me/.docker/run/docker.sock";
  mac.endpoint_local = true;
  mac.engine = linux_engine("docker-desktop");
  mac.engine->architecture = "aarch64";
  EXPECT_EQ(decide_platform(mac).platform, Platform::apple);
  // The same Mac driving a Linux GPU server: the server decides.
  auto server = linux_engine("gpu-box");
  server.runtimes.push_back("nvidia");
  mac.engine = server;
  mac.endpoint = "ssh://me@gpu-box";
  mac.endpoint_local = false;
  EXPECT_EQ(decide_platform(mac).platform, Platform::nvidia);
}

TEST(Platform, WindowsContainersAreRefusedWithAWarning) {
  auto engine = linux_engine();
  engine.os_type = "windows";
  auto decision = decide_platform(remote(engine));
  EXPECT_EQ(decision.platform, Platform::cpu);
  EXPECT_THAT(decision.warnings, Contains(HasSubstr("Linux containers")));
}

TEST(Platform, ChosenPlatformKeepsTheRequestStyleFromTheFacts) {
  auto engine = linux_engine("gpu-box");
  engine.discovered_devices = std::vector<std::string>{"nvidia.com/gpu=all"};
  auto decision = choose_platform(Platform::nvidia, remote(engine));
  EXPECT_EQ(decision.chosen_by, "--platform");
  EXPECT_EQ(decision.nvidia_request, NvidiaRequest::cdi);
  EXPECT_EQ(describe(decision),
            "nvidia (chosen with --platform; GPUs through CDI (nvidia.com/gpu=all))");
  // Without the engine (unreachable), a named platform still stands.
  PlatformFacts none;
  none.endpoint = "unix:///nope.sock";
  EXPECT_EQ(choose_platform(Platform::amd, none).platform, Platform::amd);
}

}  // namespace
}  // namespace ollama_stack::stack
