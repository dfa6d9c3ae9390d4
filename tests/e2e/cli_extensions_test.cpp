// Extensions end to end: the test extension (tests/extensions/mcp-test, the stand-in's mcp-sse
// role) copied into the test's home, so the real discovery path runs, then enabled, started
// beside a running stand-in stack, wired into the MCP proxy, stopped and disabled.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/mcp/mcp_volume.hpp"
#include "ollama_stack/stack/service_http.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = stack::labels;
namespace fs = std::filesystem;

const char* const kExtension = "mcp-test";

std::string slurp(const fs::path& path) {
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
std::map<std::string, std::string> without_webui(std::map<std::string, std::string> containers) {
  containers.erase("webui");
  return containers;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

TEST_F(CliExtensionsTest, EnableStartWireStopDisable) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);

  auto list = cli({"extensions", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto listed = extension_in(nlohmann::json::parse(list.out)["extensions"]);
  ASSERT_TRUE(listed.is_object()) << list.out;
  EXPECT_EQ(listed["version"], "0.0.1");
  EXPECT_EQ(listed["origin"], "user");
  EXPECT_EQ(listed["enabled"], false);
  EXPECT_EQ(listed["running"], false);
  EXPECT_EQ(listed["supported"], true);

  // Disabled: refused with the command that enables it, and nothing created.
  auto disabled = cli({"extensions", "start", kExtension});
  EXPECT_EQ(disabled.exit_code, 1);
  EXPECT_NE(disabled.err.find("extension mcp-test is not enabled"), std::string::npos)
      << disabled.err;
  EXPECT_NE(disabled.err.find("ollama-stack extensions enable mcp-test"), std::string::npos)
      << disabled.err;

  auto enable = cli({"extensions", "enable", kExtension, "--json"});
  ASSERT_EQ(enable.exit_code, 0) << enable.err;
  EXPECT_EQ(nlohmann::json::parse(enable.out)["changed"], true);
  EXPECT_EQ(state()["enabled_extensions"], nlohmann::json::array({kExtension}));

  // The core is not running: refused, nothing created, the proxy config unchanged.
  const std::string config_before = mcp_config();
  auto no_core = cli({"extensions", "start", kExtension});
  EXPECT_EQ(no_core.exit_code, 1);
  EXPECT_NE(no_core.err.find("is not running"), std::string::npos) << no_core.err;
  EXPECT_NE(no_core.err.find("ollama-stack start"), std::string::npos) << no_core.err;
  EXPECT_TRUE(containers_of(ext_project()).empty());
  EXPECT_EQ(mcp_config(), config_before);

  auto start = cli({"start", "--no-extensions", "--json"});
  ASSERT_EQ(start.exit_code, 0) << start.err;
  EXPECT_TRUE(nlohmann::json::parse(start.out)["extensions"].is_null());
  EXPECT_TRUE(containers_of(ext_project()).empty()) << "--no-extensions starts none";
  const auto core_before = core_containers();
  ASSERT_EQ(core_before.size(), 3u);
  const std::string proxy = core_before.at("mcp_proxy");
  const std::string proxy_started = test_engine().inspect_container(proxy).state.started_at;
  const auto before_start = std::chrono::system_clock::now();

  auto ext_start = cli({"extensions", "start", kExtension, "--json"});
  ASSERT_EQ(ext_start.exit_code, 0) << ext_start.err << ext_start.out;
  auto started = nlohmann::json::parse(ext_start.out);
  EXPECT_EQ(started["project"], ext_project());
  EXPECT_EQ(started["mcp"]["config_changed"], true);
  EXPECT_EQ(started["mcp"]["proxy_restarted"], true);
  EXPECT_EQ(started["mcp"]["servers"], nlohmann::json::array({kExtension}));
  auto ext_containers = containers_of(ext_project(), false);
  ASSERT_EQ(ext_containers.size(), 1u);
  EXPECT_EQ(ext_containers[0].labels.at(labels::kInstallation), project_);
  EXPECT_EQ(ext_containers[0].labels.at(labels::kComponent), "extension");
  EXPECT_EQ(ext_containers[0].labels.at("ollama-stack.extension"), kExtension);
  auto inspected = test_engine().inspect_container(ext_containers[0].id);
  EXPECT_EQ(inspected.state.health, "healthy") << "health was waited for";
  EXPECT_NE(std::find(inspected.networks.begin(), inspected.networks.end(), project_ + "_default"),
            inspected.networks.end());

  // Wired: in the config, by its container's name on the stack network.
  auto config = nlohmann::json::parse(mcp_config());
  const std::string url = "http://" + ext_containers[0].name + ":8000/sse";
  EXPECT_EQ(config["mcpServers"][kExtension], (nlohmann::json{{"type", "sse"}, {"url", url}}))
      << config.dump();
  EXPECT_TRUE(config["mcpServers"].contains("time")) << "the core's tools stay";

  auto status = cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err << status.out;
  auto in_status = extension_in(nlohmann::json::parse(status.out)["extensions"]);
  ASSERT_TRUE(in_status.is_object()) << status.out;
  EXPECT_EQ(in_status["enabled"], true);
  EXPECT_EQ(in_status["running"], true);
  EXPECT_EQ(in_status["health"], "healthy");
  EXPECT_EQ(in_status["mcp_url"], url);
  EXPECT_EQ(in_status["wired"], true);
  EXPECT_EQ(in_status["served"], true);

  // The proxy was restarted exactly once, Open WebUI recreated for its new list of tool servers,
  // and nothing else of the core was touched.
  EXPECT_NE(test_engine().inspect_container(proxy).state.started_at, proxy_started);
  EXPECT_EQ(starts_since(proxy, before_start), 1);
  EXPECT_NE(core_containers().at("webui"), core_before.at("webui"));
  EXPECT_EQ(without_webui(core_containers()), without_webui(core_before));

  // Starting it again changes nothing: no second restart.
  auto again = cli({"extensions", "start", kExtension, "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["mcp"]["proxy_restarted"], false);
  EXPECT_EQ(starts_since(proxy, before_start), 1);

  auto list_running = cli({"extensions", "list", "--running", "--json"});
  ASSERT_EQ(list_running.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(list_running.out)["extensions"].size(), 1u);

  auto stop = cli({"extensions", "stop", kExtension, "--json"});
  ASSERT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(nlohmann::json::parse(stop.out)["was_running"], true);
  EXPECT_TRUE(containers_of(ext_project()).empty());
  EXPECT_EQ(without_webui(core_containers()), without_webui(core_before))
      << "stopping an extension leaves the core untouched but for Open WebUI's tool servers";
  EXPECT_FALSE(nlohmann::json::parse(mcp_config())["mcpServers"].contains(kExtension));
  const auto volumes = test_engine().list_volumes(
      {{"label", {std::string(labels::kProject) + "=" + ext_project()}}});
  EXPECT_EQ(volumes.size(), 1u) << "stop keeps the extension's volume";

  auto disable = cli({"extensions", "disable", kExtension, "--json"});
  ASSERT_EQ(disable.exit_code, 0) << disable.err;
  EXPECT_EQ(nlohmann::json::parse(disable.out)["changed"], true);
  EXPECT_EQ(state()["enabled_extensions"], nlohmann::json::array());

  auto after_disable = cli({"extensions", "start", kExtension});
  EXPECT_EQ(after_disable.exit_code, 1);
  EXPECT_NE(after_disable.err.find("not enabled"), std::string::npos);
  EXPECT_TRUE(containers_of(ext_project()).empty());
  EXPECT_EQ(without_webui(core_containers()), without_webui(core_before));

  ASSERT_EQ(cli({"stop"}).exit_code, 0);
}

TEST_F(CliExtensionsTest, WholeStackStartAndStopCarryTheEnabledExtensions) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  ASSERT_EQ(cli({"extensions", "enable", kExtension}).exit_code, 0);

  auto start = cli({"start", "--json"});
  ASSERT_EQ(start.exit_code, 0) << start.err << start.out;
  auto started = nlohmann::json::parse(start.out);
  ASSERT_EQ(started["extensions"]["started"].size(), 1u) << start.out;
  EXPECT_EQ(started["extensions"]["started"][0]["name"], kExtension);
  EXPECT_EQ(started["extensions"]["mcp"]["proxy_restarted"], true);
  EXPECT_EQ(containers_of(ext_project(), false).size(), 1u);

  auto status = cli({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("EXTENSION"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("served"), std::string::npos) << status.out;
  // --extensions: only their table, only their part of the JSON.
  auto only = cli({"status", "--extensions"});
  EXPECT_EQ(only.exit_code, 0) << only.err;
  EXPECT_TRUE(only.out.starts_with("EXTENSION")) << only.out;
  EXPECT_EQ(only.out.find("SERVICE"), std::string::npos) << only.out;
  auto only_json = cli({"status", "--extensions", "--json"});
  ASSERT_EQ(only_json.exit_code, 0) << only_json.err;
  auto only_doc = nlohmann::json::parse(only_json.out);
  EXPECT_EQ(only_doc.size(), 2u) << only_json.out;  // schema_version, extensions
  EXPECT_EQ(extension_in(only_doc["extensions"])["health"], "healthy") << only_json.out;

  // restart: a new container, and the proxy reconnects to it (same URL, so the file is unchanged).
  const std::string before_restart = containers_of(ext_project(), false).at(0).id;
  auto restart = cli({"extensions", "restart", kExtension, "--json"});
  ASSERT_EQ(restart.exit_code, 0) << restart.err;
  auto restarted = nlohmann::json::parse(restart.out);
  EXPECT_EQ(restarted["restarted"], true);
  EXPECT_EQ(restarted["mcp"]["config_changed"], false);
  EXPECT_EQ(restarted["mcp"]["proxy_restarted"], true);
  ASSERT_EQ(containers_of(ext_project(), false).size(), 1u);
  EXPECT_NE(containers_of(ext_project(), false).at(0).id, before_restart);

  auto stop = cli({"stop", "--json"});
  ASSERT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(nlohmann::json::parse(stop.out)["stopped_extensions"],
            nlohmann::json::array({kExtension}));
  EXPECT_TRUE(containers_of(ext_project()).empty());
  EXPECT_TRUE(containers_of(project_).empty());
  EXPECT_FALSE(nlohmann::json::parse(mcp_config())["mcpServers"].contains(kExtension));
  auto enabled_but_stopped = cli({"status", "--extensions"});
  EXPECT_EQ(enabled_but_stopped.exit_code, 4) << enabled_but_stopped.out;

  // Its volume outlived the stop; disable --remove-volumes removes it.
  const engine::Filters volume_filter{
      {"label", {std::string(labels::kProject) + "=" + ext_project()}}};
  ASSERT_EQ(test_engine().list_volumes(volume_filter).size(), 1u);
  auto disable = cli({"extensions", "disable", kExtension, "--remove-volumes", "--json"});
  ASSERT_EQ(disable.exit_code, 0) << disable.err;
  EXPECT_EQ(nlohmann::json::parse(disable.out)["removed_volumes"].size(), 1u) << disable.out;
  EXPECT_TRUE(test_engine().list_volumes(volume_filter).empty());
}

TEST_F(CliExtensionsTest, ManifestMissingAFieldIsRejectedNamingFileAndField) {
  const fs::path broken = fs::path(home_.path()) / "extensions" / "broken";
  fs::copy(fs::path(home_.path()) / "extensions" / kExtension, broken, fs::copy_options::recursive);
  auto manifest = nlohmann::json::parse(slurp(broken / "mcp-config.json"));
  manifest["name"] = "broken";
  manifest["mcp"].erase("transport");
  std::ofstream(broken / "mcp-config.json") << manifest.dump(2);
  const std::string file = (broken / "mcp-config.json").string();

  auto info = cli({"extensions", "info", "broken"});
  EXPECT_EQ(info.exit_code, 5);
  EXPECT_NE(info.err.find(file + ":"), std::string::npos) << info.err;
  EXPECT_NE(info.err.find("mcp.transport: missing (one of sse, streamable-http)"),
            std::string::npos)
      << info.err;

  auto enable = cli({"extensions", "enable", "broken"});
  EXPECT_EQ(enable.exit_code, 5);
  EXPECT_FALSE(fs::exists(fs::path(home_.path()) / ".ollama-stack.json") &&
               state()["enabled_extensions"].dump().find("broken") != std::string::npos);

  auto list = cli({"extensions", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto document = nlohmann::json::parse(list.out);
  ASSERT_EQ(document["invalid"].size(), 1u);
  EXPECT_EQ(document["invalid"][0]["name"], "broken");
  EXPECT_NE(document["invalid"][0]["error"].get<std::string>().find("mcp.transport: missing"),
            std::string::npos);
  EXPECT_TRUE(extension_in(document["extensions"]).is_object()) << "a broken one hides no other";

  auto unknown = cli({"extensions", "info", "nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("there is no extension named \"nope\""), std::string::npos)
      << unknown.err;

  auto builtin = cli({"extensions", "info", "fetch", "--json"});
  ASSERT_EQ(builtin.exit_code, 0) << builtin.err;
  auto fetch = nlohmann::json::parse(builtin.out);
  EXPECT_EQ(fetch["origin"], "built-in");
  EXPECT_EQ(fetch["project"], project_ + "-ext-fetch");
  EXPECT_EQ(fetch["mcp"]["transport"], "sse");
}

TEST_F(CliExtensionsTest, UpdateRecreatesAnExtensionWhoseImageChangedAndLeavesTheCoreAlone) {
  // The extension runs an image of this test's own (a tag of the stand-in), so rebuilding it never
  // touches the image other tests use.
  const std::string image = project_ + "/mcp-ext:test";
  test_engine().tag_image(standin_image("mcp-ext"), image);
  env_["MCP_EXT_IMAGE"] = image;
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  ASSERT_EQ(cli({"extensions", "enable", kExtension}).exit_code, 0);
  ASSERT_EQ(cli({"start"}).exit_code, 0);
  const auto core_before = core_containers();
  ASSERT_EQ(containers_of(ext_project(), false).size(), 1u);
  const std::string extension_before = containers_of(ext_project(), false).at(0).id;

  // A local rebuild under the same tag, as a newer release would be after a pull.
  TempDir context;
  std::ofstream(context.path() + "/Dockerfile") << "FROM " << image << "\nLABEL osk.rebuilt=" << project_ << "\n";
  ASSERT_EQ(run_program("/bin/tar", {"-C", context.path(), "-cf", context.path() + "/c.tar", "Dockerfile"}).exit_code, 0);
  std::ifstream tar(context.path() + "/c.tar", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(tar)), std::istreambuf_iterator<char>());
  test_engine().build_image(bytes, image, "", {}, "", nullptr);

  auto update = cli({"update", "--extensions", "--json"});
  ASSERT_EQ(update.exit_code, 0) << update.err << update.out;
  auto report = nlohmann::json::parse(update.out);
  ASSERT_EQ(report["images"].size(), 1u) << update.out;
  EXPECT_EQ(report["images"][0]["reference"], image);
  EXPECT_EQ(report["images"][0]["changed"], true) << update.out;
  EXPECT_EQ(report["recreated"], nlohmann::json::array({std::string(kExtension) + "/server"})) << update.out;
  ASSERT_EQ(containers_of(ext_project(), false).size(), 1u);
  EXPECT_NE(containers_of(ext_project(), false).at(0).id, extension_before);
  EXPECT_EQ(core_containers(), core_before) << "the core services keep their containers";

  ASSERT_EQ(cli({"stop"}).exit_code, 0);
  try {
    test_engine().remove_image(image, true);
  } catch (const std::exception&) {
  }
}

TEST_F(CliExtensionsTest, ToolsReachTheChatAndLeaveWithTheExtension) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  ASSERT_EQ(cli({"extensions", "enable", kExtension}).exit_code, 0);
  auto start = cli({"start", "--json"});
  ASSERT_EQ(start.exit_code, 0) << start.err << start.out;
  const std::string time_url = "http://mcp_proxy:8000/time";
  const std::string ext_url = std::string("http://mcp_proxy:8000/") + kExtension;

  // Open WebUI (stand-in) is configured with the core's tool and the extension's, each of which
  // answers its OpenAPI document from inside the WebUI container.
  auto urls = webui_tool_urls();
  EXPECT_TRUE(contains(urls, time_url)) << nlohmann::json(urls).dump();
  EXPECT_TRUE(contains(urls, ext_url)) << nlohmann::json(urls).dump();
  for (const auto& url : urls) {
    auto probe = openapi_from_webui(url);
    EXPECT_EQ(probe.exit_code, 0) << url << ": " << probe.out << probe.err;
  }
  // The proxy connected to the extension (it was restarted once the extension was up): its
  // OpenAPI document has the extension's tool.
  auto ext_doc = nlohmann::json::parse(openapi_from_webui(ext_url).out);
  EXPECT_FALSE(ext_doc["paths"].empty()) << ext_doc.dump();

  // The proxy's config came through the engine, not a bind mount of this machine's home.
  const auto proxy = test_engine().inspect_container(core_containers().at("mcp_proxy"));
  for (const auto& mount : proxy.raw["Mounts"]) EXPECT_NE(mount["Type"], "bind") << mount.dump();
  std::string tar;
  test_engine().get_archive(proxy.id, "/app/mcp/config.json", [&](std::string_view bytes) {
    tar.append(bytes);
    return true;
  });
  EXPECT_EQ(stack::file_from_tar(tar, "config.json"), mcp_config())
      << "the proxy reads the home's config";

  auto status = cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  auto report = nlohmann::json::parse(status.out);
  EXPECT_EQ(report["tool_servers"]["webui_source"], "environment");
  EXPECT_TRUE(report["tool_servers"]["fix"].is_null());
  for (const auto& server : report["tool_servers"]["servers"]) {
    EXPECT_EQ(server["served"], true) << server.dump();
    EXPECT_EQ(server["webui_configured"], true) << server.dump();
  }
  auto listed = extension_in(report["extensions"]);
  EXPECT_EQ(listed["served"], true);
  EXPECT_EQ(listed["webui_configured"], true);

  auto check = cli({"check", "--json"});
  auto checks = nlohmann::json::parse(check.out)["checks"];
  bool checked = false;
  for (const auto& item : checks)
    if (item["id"] == "tool_servers") {
      checked = true;
      EXPECT_EQ(item["status"], "pass") << item.dump();
    }
  EXPECT_TRUE(checked) << check.out;

  // Stopped: gone from Open WebUI's tool servers, the core's tool stays.
  auto stop = cli({"extensions", "stop", kExtension, "--json"});
  ASSERT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(nlohmann::json::parse(stop.out)["mcp"]["webui_recreated"], true) << stop.out;
  urls = webui_tool_urls();
  EXPECT_FALSE(contains(urls, ext_url)) << nlohmann::json(urls).dump();
  EXPECT_TRUE(contains(urls, time_url));
  EXPECT_EQ(openapi_from_webui(time_url).exit_code, 0);
  ASSERT_EQ(cli({"stop"}).exit_code, 0);
}

TEST_F(CliExtensionsTest, AnAdminSavedToolListIsNeverOverwritten) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  ASSERT_EQ(cli({"start"}).exit_code, 0);
  const nlohmann::json mine = nlohmann::json::parse(
      R"([{"url": "http://mcp_proxy:8000/time", "path": "openapi.json", "auth_type": "bearer", "key": "",
           "config": {"enable": true}, "info": {"name": "my time"}}])");
  admin_saves_tool_servers(mine);
  const auto saved = test_engine().find_container(core_containers().at("webui"));
  ASSERT_TRUE(saved);

  ASSERT_EQ(cli({"extensions", "enable", kExtension}).exit_code, 0);
  auto start = cli({"extensions", "start", kExtension, "--json"});
  ASSERT_EQ(start.exit_code, 0) << start.err << start.out;
  const std::string ext_url = std::string("http://mcp_proxy:8000/") + kExtension;
  EXPECT_NE(start.err.find(ext_url), std::string::npos) << "the fix is shown: " << start.err;

  // The admin's list is untouched (Open WebUI recreated with the new environment still uses it).
  EXPECT_EQ(webui_tool_urls(), std::vector<std::string>{"http://mcp_proxy:8000/time"});
  auto status = cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  auto report = nlohmann::json::parse(status.out);
  EXPECT_EQ(report["tool_servers"]["webui_source"], "database");
  auto listed = extension_in(report["extensions"]);
  EXPECT_EQ(listed["served"], true) << listed.dump();
  EXPECT_EQ(listed["webui_configured"], false) << listed.dump();
  ASSERT_TRUE(listed["fix"].is_string()) << listed.dump();
  EXPECT_NE(listed["fix"].get<std::string>().find(ext_url), std::string::npos);
  EXPECT_NE(listed["fix"].get<std::string>().find("openapi.json"), std::string::npos);
  EXPECT_TRUE(report["tool_servers"]["fix"].is_string());

  auto check = cli({"check", "--json"});
  const auto checks = nlohmann::json::parse(check.out)["checks"];
  auto item = std::find_if(checks.begin(), checks.end(), [](const auto& c) { return c["id"] == "tool_servers"; });
  ASSERT_NE(item, checks.end()) << check.out;
  EXPECT_EQ((*item)["status"], "warn") << item->dump();
  EXPECT_NE((*item)["fix"].get<std::string>().find(ext_url), std::string::npos) << item->dump();
  ASSERT_EQ(cli({"stop"}).exit_code, 0);
}

TEST_F(CliExtensionsTest, AnEmptyOrCorruptMcpConfigIsRefusedAndKept) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  const fs::path config = fs::path(home_.path()) / "mcp" / "config.json";
  const std::string empty = "{\n  \"mcpServers\": {}\n}\n";
  write_home_file("mcp/config.json", empty);
  auto refused = cli({"start"});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find(config.string()), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("mcpServers would be empty"), std::string::npos) << refused.err;
  EXPECT_EQ(slurp(config), empty);
  EXPECT_TRUE(containers_of(project_).empty()) << "nothing was created";
  auto check = cli({"check", "--json"});
  const auto checks = nlohmann::json::parse(check.out)["checks"];
  auto item = std::find_if(checks.begin(), checks.end(), [](const auto& c) { return c["id"] == "mcp_config"; });
  ASSERT_NE(item, checks.end()) << check.out;
  EXPECT_EQ((*item)["status"], "fail") << item->dump();

  // A stack that runs, then a hand edit that breaks the file: no verb replaces it.
  write_home_file(
      "mcp/config.json",
      "{\"mcpServers\": {\"time\": {\"command\": \"uvx\", \"args\": [\"mcp-server-time\"]}}}\n");
  ASSERT_EQ(cli({"start"}).exit_code, 0);
  const std::string corrupt =
      "{\n  \"mcpServers\": {\n    \"time\": {\"command\": \"uvx\",}\n  }\n}\n";
  write_home_file("mcp/config.json", corrupt);
  ASSERT_EQ(cli({"extensions", "enable", kExtension}).exit_code, 0);
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"start"},
                                             {"stop"},
                                             {"restart"},
                                             {"extensions", "start", kExtension},
                                             {"extensions", "stop", kExtension}}) {
    auto result = cli(args);
    EXPECT_EQ(result.exit_code, 5) << args[0] << ": " << result.err;
    EXPECT_NE(result.err.find(config.string() + ":3:"), std::string::npos)
        << args[0] << ": " << result.err;
    EXPECT_EQ(slurp(config), corrupt) << args[0] << " changed the file";
  }
  EXPECT_EQ(core_containers().size(), 3u) << "the refused verbs changed nothing";
  write_home_file("mcp/config.json", "{\"mcpServers\": {\"time\": {\"command\": \"uvx\"}}}\n");
  ASSERT_EQ(cli({"stop"}).exit_code, 0);
}

TEST_F(CliExtensionsTest, TheMcpoStandInExitsOnAnEmptyServerList) {
  // Like mcpo's load_config(): "No 'mcpServers' found" ends the process.
  nlohmann::json body{{"Image", standin_image("mcpo")},
                      {"Cmd", {"--config", "/app/config.json"}},
                      {"Labels", {{labels::kProject, project_}}}};
  const std::string id = test_engine().create_container(unique_name(project_ + "-mcpo"), body);
  test_engine().put_archive(id, "/app",
                            stack::single_file_tar("config.json", "{\"mcpServers\": {}}"));
  test_engine().start_container(id);
  EXPECT_EQ(test_engine().wait_container(id, "not-running", std::chrono::seconds(20)), 1);
  std::string logs;
  test_engine().logs(id, {}, false, [&](engine::LogStream, std::string_view line) {
    logs += std::string(line) + "\n";
    return true;
  });
  EXPECT_NE(logs.find("No 'mcpServers' found"), std::string::npos) << logs;
}

TEST_F(CliExtensionsTest, TheOllamaStandInHasNoHttpClient) {
  // Like ollama/ollama: no curl, no wget (nor the stand-in's own probe) inside.
  nlohmann::json body{{"Image", standin_image("ollama")},
                      {"Labels", {{labels::kProject, project_}}}};
  const std::string id = test_engine().create_container(unique_name(project_ + "-ollama"), body);
  test_engine().start_container(id);
  for (const auto& command : std::vector<std::vector<std::string>>{
           {"curl", "http://127.0.0.1:11434/"},
           {"wget", "http://127.0.0.1:11434/"},
           {"/standin", "probe", "http://127.0.0.1:11434/"},
           {"ollama", "standin", "probe", "http://127.0.0.1:11434/"}}) {
    engine::ExecResult result;
    try {
      result = test_engine().exec(id, command);
    } catch (const std::exception&) {
      continue;  // the engine refused to exec a missing program: absent, as it should be
    }
    EXPECT_NE(result.exit_code, 0) << command[0] << " ran: " << result.out;
  }
  auto list = test_engine().exec(id, {"ollama", "--version"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
}

TEST_F(CliExtensionsTest, ASlowFirstStartIsWaitedForWithItsLogLine) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  // Open WebUI's first start: 40 s before it answers, a log line every 2 s meanwhile; Docker's
  // healthcheck (every 2 s, 3 retries) calls it unhealthy long before that.
  write_home_file(
      "compose/docker-compose.override.yml",
      "services:\n  webui:\n    environment:\n      STANDIN_START_DELAY_MS: \"40000\"\n");
  const auto started = std::chrono::steady_clock::now();
  auto short_wait = cli({"start", "--timeout", "5"});
  EXPECT_EQ(short_wait.exit_code, 4) << short_wait.err;
  EXPECT_NE(short_wait.err.find("service webui did not become healthy within 5 s"),
            std::string::npos)
      << short_wait.err;
  EXPECT_NE(short_wait.err.find("slow start"), std::string::npos)
      << "what it was doing: " << short_wait.err;
  EXPECT_NE(short_wait.err.find("--timeout"), std::string::npos)
      << "how to give more time: " << short_wait.err;

  auto wait = cli({"start"});
  ASSERT_EQ(wait.exit_code, 0) << wait.err;
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::seconds(35));
  EXPECT_NE(wait.err.find("webui: "), std::string::npos) << wait.err;
  EXPECT_NE(wait.err.find("| log: standin[webui] slow start: step"), std::string::npos) << wait.err;
  EXPECT_NE(wait.err.find("webui: healthy"), std::string::npos) << wait.err;
  ASSERT_EQ(cli({"stop"}).exit_code, 0);
}

}  // namespace
}  // namespace ollama_stack::e2e
