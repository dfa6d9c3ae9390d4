// What Open WebUI uses as its tool servers: the saved list wins, the environment only seeds it
// (its PersistentConfig), and the program that reads it inside the container works on a database
// laid out as Open WebUI's (checked with a real python3 and sqlite3 where the machine has them).
#include "ollama_stack/stack/mcp/tool_servers.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "ollama_stack/stack/mcp/mcp_config.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::stack {
namespace {

using ::testing::HasSubstr;

const nlohmann::json kMine = nlohmann::json::parse(
    R"([{"url": "http://tools.example:9000", "path": "openapi.json", "config": {"enable": true}}])");

TEST(ToolServers, TheEnvironmentSeedsWhenNothingIsSaved) {
  auto seeded = tool_server_connections(default_mcp_servers()).dump();
  auto result = parse_webui_tool_servers(
      nlohmann::json{{"env", seeded}, {"stored", nullptr}, {"persistent", true}}.dump());
  EXPECT_EQ(result.source, ToolListSource::environment);
  EXPECT_TRUE(connections_include(result.connections, "http://mcp_proxy:8000/time"));
}

TEST(ToolServers, TheSavedListWins) {
  auto seeded = tool_server_connections(default_mcp_servers()).dump();
  auto result = parse_webui_tool_servers(
      nlohmann::json{{"env", seeded}, {"stored", kMine}, {"persistent", true}}.dump());
  EXPECT_EQ(result.source, ToolListSource::database);
  EXPECT_FALSE(connections_include(result.connections, "http://mcp_proxy:8000/time"));
  EXPECT_TRUE(connections_include(result.connections, "http://tools.example:9000/"));
  // ENABLE_PERSISTENT_CONFIG=false: the environment wins over the saved list.
  auto frozen = parse_webui_tool_servers(
      nlohmann::json{{"env", seeded}, {"stored", kMine}, {"persistent", false}}.dump());
  EXPECT_EQ(frozen.source, ToolListSource::environment);
}

TEST(ToolServers, BadInputAndErrors) {
  auto bad_env = parse_webui_tool_servers(R"({"env": "not json", "stored": null})");
  EXPECT_EQ(bad_env.source, ToolListSource::environment);
  EXPECT_TRUE(bad_env.connections.empty()) << "Open WebUI ignores a value that is not JSON";
  auto failed = parse_webui_tool_servers(
      R"({"env": null, "stored": null, "error": "unable to open database file"})");
  EXPECT_EQ(failed.source, ToolListSource::unknown);
  EXPECT_EQ(failed.detail, "unable to open database file");
  EXPECT_EQ(parse_webui_tool_servers("Traceback ...").source, ToolListSource::unknown);
}

TEST(ToolServers, ADisabledConnectionDoesNotCount) {
  auto connections = nlohmann::json::parse(
      R"([{"url": "http://mcp_proxy:8000/time", "config": {"enable": false}}])");
  EXPECT_FALSE(connections_include(connections, "http://mcp_proxy:8000/time"));
  EXPECT_FALSE(connections_include(nlohmann::json(), "http://mcp_proxy:8000/time"));
}

TEST(ToolServers, TheFixSaysWhatToAddWhere) {
  const auto fix = add_in_webui_fix({"http://mcp_proxy:8000/mcp-test"});
  EXPECT_THAT(fix, HasSubstr("http://mcp_proxy:8000/mcp-test"));
  EXPECT_THAT(fix, HasSubstr("openapi.json"));
  EXPECT_THAT(fix, HasSubstr("Admin Panel > Settings > External Tools"));
}

// Runs the real script against a database shaped as Open WebUI's `config` table (one row per
// save, the settings as JSON in `data`) and as its per-key layout.
std::string run_script(const std::filesystem::path& data_dir, const std::string& setup_sql,
                       const char* env) {
  ollama_stack::testing::spit(
      data_dir / "setup.py",
      "import sqlite3, sys\ndb = "
      "sqlite3.connect(sys.argv[1])\ndb.executescript(sys.argv[2])\ndb.commit()\n");
  ollama_stack::testing::spit(data_dir / "script.py", webui_tool_servers_script());
  const std::string db = (data_dir / "webui.db").string();
  auto quote = [](const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  };
  std::string command =
      "python3 " + quote((data_dir / "setup.py").string()) + " " + quote(db) + " " +
      quote(setup_sql) +
      " && env -u DATABASE_URL -u TOOL_SERVER_CONNECTIONS DATA_DIR=" + quote(data_dir.string()) +
      (env ? " TOOL_SERVER_CONNECTIONS=" + quote(env) : std::string()) + " python3 " +
      quote((data_dir / "script.py").string());
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
    ::pclose(pipe);
  }
  return output;
}

TEST(ToolServers, TheScriptReadsOpenWebuisDatabase) {
  if (std::system("python3 -c 'import sqlite3' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "no python3 with sqlite3 on this machine";
  ollama_stack::testing::TempDir dir;
  const std::string seeded = tool_server_connections(default_mcp_servers()).dump();
  // Released Open WebUI: a `config` row per save; nothing saved about tool servers yet.
  auto fresh = parse_webui_tool_servers(
      run_script(dir.path(),
                 "CREATE TABLE config (id INTEGER PRIMARY KEY, data JSON, version INTEGER, "
                 "created_at DATETIME, updated_at DATETIME);"
                 "INSERT INTO config (data, version) VALUES ('{\"version\": 0, \"ui\": "
                 "{\"enable_signup\": false}}', 0);",
                 seeded.c_str()));
  EXPECT_EQ(fresh.source, ToolListSource::environment) << fresh.detail;
  EXPECT_TRUE(connections_include(fresh.connections, "http://mcp_proxy:8000/time"));
  // An admin saved tool servers: the latest row holds them.
  std::filesystem::remove(dir / "webui.db");
  auto saved = parse_webui_tool_servers(
      run_script(dir.path(),
                 "CREATE TABLE config (id INTEGER PRIMARY KEY, data JSON, version INTEGER, "
                 "created_at DATETIME, updated_at DATETIME);"
                 "INSERT INTO config (data, version) VALUES ('{\"version\": 0}', 0);"
                 "INSERT INTO config (data, version) VALUES ('{\"version\": 0, \"tool_server\": "
                 "{\"connections\": " +
                     kMine.dump() + "}}', 0);",
                 seeded.c_str()));
  EXPECT_EQ(saved.source, ToolListSource::database) << saved.detail;
  EXPECT_EQ(saved.connections, kMine);
  // The per-key layout (one row per setting).
  std::filesystem::remove(dir / "webui.db");
  auto per_key = parse_webui_tool_servers(
      run_script(dir.path(),
                 "CREATE TABLE config (key TEXT PRIMARY KEY, value JSON, updated_at BIGINT);"
                 "INSERT INTO config VALUES ('tool_server.connections', '" +
                     kMine.dump() + "', 0);",
                 nullptr));
  EXPECT_EQ(per_key.source, ToolListSource::database) << per_key.detail;
  EXPECT_EQ(per_key.connections, kMine);
}

}  // namespace
}  // namespace ollama_stack::stack
