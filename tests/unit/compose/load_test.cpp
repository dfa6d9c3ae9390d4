#include "ollama_stack/compose/load.hpp"

#include <fstream>
#include <sstream>

#include "compose_test_support.hpp"
#include "ollama_stack/compose/embedded.hpp"

namespace ollama_stack::compose {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::lookup_from;

std::string stack_file(const std::string& name) {
  std::ifstream in(std::string(OLLAMA_STACK_SOURCE_DIR) + "/compose/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

LoadResult load_stack(std::vector<std::string> names,
                      std::map<std::string, std::string> extra = {}) {
  LoadOptions options;
  for (const auto& name : names) options.sources.push_back({"compose/" + name, stack_file(name)});
  std::map<std::string, std::string> variables = {{"WEBUI_SECRET_KEY", "s3cret"},
                                                  {"OLLAMA_STACK_HOME", "/home/u/.ollama-stack"}};
  for (auto& [k, v] : extra) variables[k] = v;
  options.lookup = lookup_from(variables);
  options.working_dir = "/opt/ollama-stack/compose";
  return load_project(options);
}

TEST(ComposeStackFiles, BaseAlone) {
  auto result = load_stack({"docker-compose.yml"});
  const Project& project = result.project;
  EXPECT_TRUE(result.warnings.empty()) << result.warnings.front();
  EXPECT_EQ(project.name, "ollama-stack");
  EXPECT_EQ(project.working_dir, "/opt/ollama-stack/compose");
  EXPECT_THAT(project.config_files, ElementsAre("compose/docker-compose.yml"));
  ASSERT_EQ(project.services.size(), 3u);

  const Service& ollama = project.services.at("ollama");
  EXPECT_EQ(ollama.image, "ollama/ollama:latest");
  EXPECT_THAT(ollama.ports, ElementsAre(PortMapping{.host_ip = "127.0.0.1",
                                                    .published = 11434,
                                                    .ephemeral = false,
                                                    .target = 11434,
                                                    .protocol = "tcp"}));
  EXPECT_THAT(ollama.volumes,
              ElementsAre(Mount{Mount::Type::volume, "ollama_data", "/root/.ollama", false}));
  EXPECT_EQ(ollama.environment, (std::map<std::string, std::string>{{"OLLAMA_HOST", "0.0.0.0"},
                                                                    {"OLLAMA_KEEP_ALIVE", "5m"}}));
  EXPECT_EQ(ollama.restart, "unless-stopped");
  EXPECT_EQ(ollama.stop_grace_period, std::chrono::seconds(10));
  EXPECT_EQ(ollama.labels.at("ollama-stack.health.path"), "/api/version");
  EXPECT_EQ(ollama.labels.at("ollama-stack.health.port"), "11434");
  EXPECT_THAT(ollama.networks, ElementsAre(ServiceNetwork{"default", {}}));
  EXPECT_TRUE(ollama.device_requests.empty());
  EXPECT_EQ(ollama.defined_in, "compose/docker-compose.yml");
  EXPECT_EQ(container_name(project, ollama), "ollama-stack-ollama-1");

  const Service& webui = project.services.at("webui");
  EXPECT_EQ(webui.image, "ghcr.io/open-webui/open-webui:main");
  EXPECT_EQ(webui.environment.at("WEBUI_SECRET_KEY"), "s3cret");
  EXPECT_EQ(webui.environment.at("OLLAMA_BASE_URL"), "http://ollama:11434");
  EXPECT_THAT(webui.extra_hosts, ElementsAre("host.docker.internal:host-gateway"));
  EXPECT_THAT(webui.depends_on,
              ElementsAre(Dependency{"ollama", DependencyCondition::service_started, true, false}));
  EXPECT_THAT(webui.ports, ElementsAre(PortMapping{.host_ip = "127.0.0.1",
                                                   .published = 8080,
                                                   .ephemeral = false,
                                                   .target = 8080,
                                                   .protocol = "tcp"}));

  const Service& mcp = project.services.at("mcp_proxy");
  EXPECT_EQ(mcp.image, "ghcr.io/open-webui/mcpo:main");
  ASSERT_TRUE(mcp.command.has_value());
  EXPECT_THAT(*mcp.command, ElementsAre("--host", "0.0.0.0", "--port", "8000", "--config",
                                        "/app/mcp/config.json"));
  // The proxy's config comes through a volume the CLI fills via the engine, never a bind mount.
  EXPECT_THAT(mcp.volumes, ElementsAre(Mount{Mount::Type::volume, "mcp_config", "/app/mcp", true}));
  EXPECT_EQ(mcp.stop_grace_period, std::chrono::seconds(5));
  EXPECT_THAT(mcp.ports, ElementsAre(PortMapping{.host_ip = "127.0.0.1",
                                                 .published = 8200,
                                                 .ephemeral = false,
                                                 .target = 8000,
                                                 .protocol = "tcp"}));

  ASSERT_EQ(project.networks.size(), 1u);
  EXPECT_EQ(project.networks.at("default").name, "ollama-stack_default");
  EXPECT_EQ(project.networks.at("default").driver, "bridge");
  ASSERT_EQ(project.volumes.size(), 3u);
  EXPECT_EQ(project.volumes.at("mcp_config").name, "ollama-stack_mcp_config");
  EXPECT_EQ(project.volumes.at("ollama_data").name, "ollama-stack_ollama_data");
  EXPECT_EQ(project.volumes.at("webui_data").name, "ollama-stack_webui_data");
}

TEST(ComposeStackFiles, VariablesPinImagesPortsAndName) {
  auto result = load_stack({"docker-compose.yml"}, {{"OLLAMA_IMAGE", "standin/ollama:test"},
                                                    {"BIND_ADDRESS", "0.0.0.0"},
                                                    {"WEBUI_PORT", "18080"},
                                                    {"PROJECT_NAME", "e2e-stack"}});
  const Project& project = result.project;
  EXPECT_EQ(project.name, "e2e-stack");
  EXPECT_EQ(project.services.at("ollama").image, "standin/ollama:test");
  EXPECT_THAT(project.services.at("webui").ports, ElementsAre(PortMapping{.host_ip = "0.0.0.0",
                                                                          .published = 18080,
                                                                          .ephemeral = false,
                                                                          .target = 8080,
                                                                          .protocol = "tcp"}));
  EXPECT_EQ(project.volumes.at("webui_data").name, "e2e-stack_webui_data");
}

TEST(ComposeStackFiles, MissingSecretKeyIsAnErrorWithTheFileLine) {
  LoadOptions options;
  options.sources.push_back({"compose/docker-compose.yml", stack_file("docker-compose.yml")});
  options.lookup = lookup_from({{"OLLAMA_STACK_HOME", "/h"}});
  options.working_dir = "/opt/x";
  try {
    load_project(options);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(
        e.what(),
        HasSubstr("compose/docker-compose.yml:32: services.webui.environment.WEBUI_SECRET_KEY: "
                  "required variable WEBUI_SECRET_KEY is missing a value: is not set; run "
                  "`ollama-stack install` to create it"));
  }
}

TEST(ComposeStackFiles, BasePlusNvidia) {
  auto result = load_stack({"docker-compose.yml", "docker-compose.nvidia.yml"});
  const Project& project = result.project;
  const Service& ollama = project.services.at("ollama");
  EXPECT_THAT(ollama.device_requests, ElementsAre(DeviceRequest{"nvidia", -1, {}, {"gpu"}, {}}));
  EXPECT_EQ(ollama.image, "ollama/ollama:latest");  // untouched keys survive the merge
  EXPECT_EQ(ollama.defined_in, "compose/docker-compose.nvidia.yml");
  EXPECT_EQ(project.services.at("webui").image, "ghcr.io/open-webui/open-webui:cuda");
  EXPECT_EQ(project.services.at("webui").ports.size(), 1u);
  EXPECT_EQ(project.services.at("mcp_proxy").image, "ghcr.io/open-webui/mcpo:main");
}

TEST(ComposeStackFiles, BasePlusApple) {
  auto result =
      load_stack({"docker-compose.yml", "docker-compose.apple.yml"}, {{"OLLAMA_PORT", "11500"}});
  const Project& project = result.project;
  EXPECT_FALSE(project.services.contains("ollama"));
  ASSERT_EQ(project.services.size(), 2u);
  const Service& webui = project.services.at("webui");
  EXPECT_TRUE(webui.depends_on.empty());
  EXPECT_EQ(webui.environment.at("OLLAMA_BASE_URL"), "http://host.docker.internal:11500");
  EXPECT_EQ(webui.environment.at("WEBUI_SECRET_KEY"), "s3cret");
  EXPECT_EQ(webui.image, "ghcr.io/open-webui/open-webui:main");
  EXPECT_TRUE(project.volumes.contains("ollama_data"));  // declared volumes stay in the model
}

TEST(ComposeStackFiles, EmbeddedFilesLoadWithVirtualPaths) {
  LoadOptions options;
  for (const char* name : {"docker-compose.yml", "docker-compose.nvidia.yml"}) {
    auto content = embedded_compose_file(name);
    ASSERT_TRUE(content.has_value()) << name;
    options.sources.push_back({std::string("embedded:") + name, std::string(*content)});
  }
  options.lookup = lookup_from({{"WEBUI_SECRET_KEY", "k"}, {"OLLAMA_STACK_HOME", "/srv/home"}});
  options.working_dir = "/srv/home";
  auto result = load_project(options);
  EXPECT_EQ(result.project.services.at("ollama").defined_in, "embedded:docker-compose.nvidia.yml");
  EXPECT_EQ(result.project.services.at("mcp_proxy").volumes.at(0).source, "mcp_config");
  EXPECT_EQ(result.project.services.at("webui").image, "ghcr.io/open-webui/open-webui:cuda");
}

}  // namespace
}  // namespace ollama_stack::compose
