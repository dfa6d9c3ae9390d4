// Extensions' tools end to end: the tools reach the chat through Open WebUI and leave with the
// extension, an admin's saved tool list is never overwritten, a broken MCP config is refused and
// kept; and the stand-ins behave as the upstream images do where the feature depends on it
// (fixture: support/extensions_fixture.hpp).
#include "ollama_stack/stack/mcp/mcp_volume.hpp"
#include "support/extensions_fixture.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = stack::labels;
namespace fs = std::filesystem;

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
  auto item = std::find_if(checks.begin(), checks.end(),
                           [](const auto& c) { return c["id"] == "tool_servers"; });
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
  auto item = std::find_if(checks.begin(), checks.end(),
                           [](const auto& c) { return c["id"] == "mcp_config"; });
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
