#pragma once
// The extensions' end-to-end fixture: the test extension (tests/extensions/mcp-test, the stand-in's
// mcp-sse role) copied into the test's home, so the real discovery path runs, beside a stand-in
// stack; and what the tests read back (state, MCP config, the WebUI stand-in's tool servers).
// Shared by cli_extensions_test.cpp and cli_extension_tools_test.cpp: one fixture type, so it
// lives in a named namespace (gtest requires one fixture class per test suite).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/service_http.hpp"
#include "harness.hpp"

namespace ollama_stack::e2e {

namespace labels = stack::labels;
namespace fs = std::filesystem;

inline constexpr const char* kExtension = "mcp-test";

inline std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class CliExtensionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-ext");
    env_ = standin_stack_env(project_);
    env_["OLLAMA_STACK_HOME"] = home_.path();
    env_["MCP_EXT_IMAGE"] = standin_image("mcp-ext");
    const fs::path source = fs::path(OLLAMA_STACK_SOURCE_DIR) / "tests" / "extensions" / kExtension;
    fs::create_directories(fs::path(home_.path()) / "extensions");
    fs::copy(source, fs::path(home_.path()) / "extensions" / kExtension,
             fs::copy_options::recursive);
  }
  void TearDown() override {
    if (project_.empty()) return;
    remove_labelled(labels::kInstallation, project_);
    remove_labelled(labels::kProject, project_);
  }

  RunResult cli(const std::vector<std::string>& args) {
    RunOptions options;
    options.env = env_;
    options.timeout = std::chrono::seconds(180);
    return run_cli(args, options);
  }

  std::string ext_project() const { return project_ + "-ext-" + kExtension; }

  std::vector<engine::ContainerSummary> containers_of(const std::string& project, bool all = true) {
    return test_engine().list_containers(
        {{"label", {std::string(labels::kProject) + "=" + project}}}, all);
  }

  // service -> container id of the core's running containers.
  std::map<std::string, std::string> core_containers() {
    std::map<std::string, std::string> ids;
    for (const auto& container : containers_of(project_, false))
      ids[container.labels.at(labels::kService)] = container.id;
    return ids;
  }

  // How many times the container was started since `since` (engine events).
  int starts_since(const std::string& id, std::chrono::system_clock::time_point since) {
    const auto since_s =
        std::chrono::duration_cast<std::chrono::seconds>(since.time_since_epoch()).count();
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    const auto since_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(since.time_since_epoch()).count();
    int starts = 0;
    test_engine().events(
        {{"type", {"container"}}, {"container", {id}}, {"event", {"start"}}},
        [&](const engine::Event& event) {
          if (event.time_nano >= since_ns) ++starts;
          return true;
        },
        since_s, now_s + 1);
    return starts;
  }

  nlohmann::json extension_in(const nlohmann::json& list) {
    for (const auto& item : list)
      if (item["name"] == kExtension) return item;
    return nullptr;
  }

  nlohmann::json state() {
    return nlohmann::json::parse(slurp(fs::path(home_.path()) / ".ollama-stack.json"));
  }
  std::string mcp_config() { return slurp(fs::path(home_.path()) / "mcp" / "config.json"); }

  // What the WebUI stand-in is configured with (its effective TOOL_SERVER_CONNECTIONS).
  std::vector<std::string> webui_tool_urls() {
    auto answer = stack::http_request(
        "http://127.0.0.1:" + env_.at("WEBUI_PORT") + "/api/v1/configs/tool_servers", {});
    EXPECT_EQ(answer.status, 200) << answer.error << answer.body;
    std::vector<std::string> urls;
    const auto document = nlohmann::json::parse(answer.body);
    for (const auto& connection : document["TOOL_SERVER_CONNECTIONS"])
      urls.push_back(connection["url"].get<std::string>());
    return urls;
  }

  // An admin saving `connections` in Open WebUI's UI.
  void admin_saves_tool_servers(const nlohmann::json& connections) {
    stack::HttpRequestOptions post;
    post.method = "POST";
    post.body = nlohmann::json{{"TOOL_SERVER_CONNECTIONS", connections}}.dump();
    auto answer = stack::http_request(
        "http://127.0.0.1:" + env_.at("WEBUI_PORT") + "/api/v1/configs/tool_servers", post);
    ASSERT_EQ(answer.status, 200) << answer.error << answer.body;
  }

  // GET <url>/openapi.json from inside the WebUI container, with the curl its image has.
  engine::ExecResult openapi_from_webui(const std::string& url) {
    return test_engine().exec(core_containers().at("webui"),
                              {"curl", "-fsS", "--max-time", "5", url + "/openapi.json"});
  }

  void write_home_file(const std::string& relative, const std::string& text) {
    std::ofstream(fs::path(home_.path()) / relative, std::ios::trunc) << text;
  }

  TempDir home_;
  std::string project_;
  std::map<std::string, std::string> env_;
};

// Open WebUI is recreated when its list of tool servers changes; the rest of the core never is.
inline std::map<std::string, std::string> without_webui(
    std::map<std::string, std::string> containers) {
  containers.erase("webui");
  return containers;
}

inline bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace ollama_stack::e2e
