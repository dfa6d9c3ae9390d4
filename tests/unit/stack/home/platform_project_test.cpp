// adapt_to_platform: NVIDIA requests through CDI, and the render group by id on amd.
#include "ollama_stack/stack/home/platform_project.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/compose/embedded.hpp"
#include "ollama_stack/compose/load.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using compose::DeviceRequest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

compose::VariableLookup lookup_from(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

// The stack's embedded files for `platform`, as the CLI loads them.
compose::Project stack_files(const std::string& platform, const compose::VariableLookup& lookup) {
  compose::LoadOptions options;
  for (std::string name :
       {std::string("docker-compose.yml"), "docker-compose." + platform + ".yml"})
    options.sources.push_back(
        {"embedded:" + name, std::string(*compose::embedded_compose_file(name))});
  options.lookup = lookup;
  options.working_dir = "/srv/home";
  return compose::load_project(options).project;
}

const auto kVariables =
    lookup_from({{"WEBUI_SECRET_KEY", "k"}, {"OLLAMA_STACK_HOME", "/srv/home"}});

TEST(PlatformProject, CdiTurnsEveryNvidiaRequestIntoCdiDeviceNames) {
  auto project = stack_files("nvidia", kVariables);
  project.services.at("mcp_proxy").device_requests = {
      DeviceRequest{"nvidia", 2, {}, {"gpu"}, {}},
      DeviceRequest{"", 0, {"1", "nvidia.com/gpu=GPU-abc"}, {"gpu"}, {}},
      DeviceRequest{"other", -1, {}, {"fpga"}, {}}};
  PlatformDecision decision{.platform = Platform::nvidia, .nvidia_request = NvidiaRequest::cdi};
  adapt_to_platform(project, decision, kVariables);
  const DeviceRequest all{"cdi", 0, {"nvidia.com/gpu=all"}, {}, {}};
  EXPECT_THAT(project.services.at("ollama").device_requests, ElementsAre(all));
  EXPECT_THAT(project.services.at("webui").device_requests, ElementsAre(all));
  EXPECT_THAT(
      project.services.at("mcp_proxy").device_requests,
      ElementsAre(DeviceRequest{"cdi", 0, {"nvidia.com/gpu=0", "nvidia.com/gpu=1"}, {}, {}},
                  DeviceRequest{"cdi", 0, {"nvidia.com/gpu=1", "nvidia.com/gpu=GPU-abc"}, {}, {}},
                  DeviceRequest{"other", -1, {}, {"fpga"}, {}}));
}

TEST(PlatformProject, NvidiaDriverRequestsStayAsWritten) {
  auto project = stack_files("nvidia", kVariables);
  adapt_to_platform(project, PlatformDecision{.platform = Platform::nvidia}, kVariables);
  EXPECT_THAT(project.services.at("ollama").device_requests,
              ElementsAre(DeviceRequest{"nvidia", -1, {}, {"gpu"}, {}}));
  EXPECT_EQ(project.services.at("webui").image, "ghcr.io/open-webui/open-webui:cuda");
}

TEST(PlatformProject, AmdAddsTheRenderGroupByIdToWhatMapsKfd) {
  auto with_gfx = lookup_from({{"WEBUI_SECRET_KEY", "k"},
                               {"OLLAMA_STACK_HOME", "/srv/home"},
                               {"HSA_OVERRIDE_GFX_VERSION", "10.3.0"}});
  auto project = stack_files("amd", with_gfx);
  const auto& ollama = project.services.at("ollama");
  EXPECT_EQ(ollama.image, "ollama/ollama:rocm");
  EXPECT_EQ(ollama.devices.size(), 2u);
  EXPECT_EQ(ollama.environment.at("HSA_OVERRIDE_GFX_VERSION"), "10.3.0");
  EXPECT_EQ(ollama.environment.at("OLLAMA_HOST"), "0.0.0.0");  // the base's environment is kept

  PlatformDecision decision{.platform = Platform::amd, .render_gid = 993u};
  adapt_to_platform(project, decision, with_gfx);
  EXPECT_THAT(project.services.at("ollama").group_add, ElementsAre("video", "993"));
  EXPECT_TRUE(project.services.at("webui").group_add.empty());
  // RENDER_GID (shell or .env) wins over what was found here.
  auto again = stack_files("amd", kVariables);
  adapt_to_platform(again, decision, lookup_from({{"RENDER_GID", "110"}}));
  EXPECT_THAT(again.services.at("ollama").group_add, ElementsAre("video", "110"));
  EXPECT_FALSE(again.services.at("ollama").environment.contains(
      "HSA_OVERRIDE_GFX_VERSION"));  // unset: not passed
}

TEST(PlatformProject, AmdWithoutAKnownRenderGroupKeepsVideoOnly) {
  auto project = stack_files("amd", kVariables);
  adapt_to_platform(project, PlatformDecision{.platform = Platform::amd}, kVariables);
  EXPECT_THAT(project.services.at("ollama").group_add, ElementsAre("video"));
}

TEST(PlatformProject, ANonNumericRenderGidIsAConfigError) {
  auto project = stack_files("amd", kVariables);
  try {
    adapt_to_platform(project, PlatformDecision{.platform = Platform::amd},
                      lookup_from({{"RENDER_GID", "render"}}));
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("RENDER_GID=\"render\" is not a group id"));
    EXPECT_THAT(error.hint(), HasSubstr("getent group render"));
  }
}

}  // namespace
}  // namespace ollama_stack::stack
