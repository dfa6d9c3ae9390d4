// Extensions end to end: enabled, started beside a running stand-in stack, wired into the MCP
// proxy, carried by the whole stack's start and stop, updated, stopped and disabled; a broken
// manifest refused (fixture: support/extensions_fixture.hpp).
#include "support/extensions_fixture.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = stack::labels;
namespace fs = std::filesystem;

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

}  // namespace
}  // namespace ollama_stack::e2e
