// The `models` verbs and `start --pull`, run as processes against the real engine with the
// stand-in Ollama (which keeps its models in the stack's volume).
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/service_http.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

class CliModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-models");
    env_ = standin_stack_env(project_);
    env_["OLLAMA_STACK_HOME"] = home_.path();
  }
  void TearDown() override {
    if (project_.empty()) return;
    remove_labelled(stack::labels::kProject, project_);
  }

  RunResult cli(const std::vector<std::string>& args, const std::string& stdin_data = "",
                std::chrono::milliseconds timeout = std::chrono::seconds(180)) {
    RunOptions options;
    options.env = env_;
    options.timeout = timeout;
    options.stdin_data = stdin_data;
    return run_cli(args, options);
  }

  // Compose additions for the ollama service (stand-in knobs such as STANDIN_PULL_MS).
  void ollama_environment(const std::string& key, const std::string& value) {
    std::filesystem::create_directories(home_.path() + "/compose");
    std::ofstream(home_.path() + "/compose/docker-compose.override.yml")
        << "services:\n  ollama:\n    environment:\n      " << key << ": \"" << value << "\"\n";
  }

  void start_stack() {
    auto install = cli({"install"});
    ASSERT_EQ(install.exit_code, 0) << install.err;
    auto start = cli({"start"});
    ASSERT_EQ(start.exit_code, 0) << start.err;
  }

  std::string ollama_url() { return "http://127.0.0.1:" + env_["OLLAMA_PORT"]; }

  std::set<std::string> listed() {
    auto list = cli({"models", "list", "--json"});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    std::set<std::string> names;
    if (list.exit_code != 0) return names;
    const auto document = json::parse(list.out);  // outlives the loop
    for (const auto& model : document["models"]) names.insert(model["name"].get<std::string>());
    return names;
  }

  TempDir home_;
  std::string project_;
  std::map<std::string, std::string> env_;
};

// The ```json block under a docs/json.md heading.
json documented_example(const std::string& heading) {
  std::ifstream file(std::string(OLLAMA_STACK_SOURCE_DIR) + "/docs/json.md");
  std::stringstream text;
  text << file.rdbuf();
  const std::string doc = text.str();
  auto at = doc.find("\n## " + heading + "\n");
  if (at == std::string::npos) return nullptr;
  auto open = doc.find("```json\n", at);
  auto close = doc.find("```", open + 8);
  if (open == std::string::npos || close == std::string::npos) return nullptr;
  return json::parse(doc.substr(open + 8, close - open - 8), nullptr, false);
}

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

TEST_F(CliModelsTest, PullListShowSurviveRestartThenRemove) {
  start_stack();
  EXPECT_TRUE(listed().empty());

  auto pull = cli({"models", "pull", "standin-tiny"});
  ASSERT_EQ(pull.exit_code, 0) << pull.err;
  EXPECT_THAT(pull.err, HasSubstr("standin-tiny: pulling manifest")) << "one line per status change";
  EXPECT_THAT(pull.err, HasSubstr("50%")) << "layer progress off a terminal: " << pull.err;
  EXPECT_THAT(pull.out, HasSubstr("Pulled standin-tiny (4 layers"));

  auto list = cli({"models", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto document = json::parse(list.out);
  EXPECT_EQ(document["schema_version"], 1);
  EXPECT_EQ(document["endpoint"], ollama_url());
  ASSERT_EQ(document["models"].size(), 1u);
  const auto& model = document["models"][0];
  EXPECT_EQ(model["name"], "standin-tiny:latest");
  EXPECT_GT(model["size_bytes"].get<int64_t>(), 6000);
  EXPECT_THAT(model["size"].get<std::string>(), HasSubstr("KiB"));
  EXPECT_EQ(model["family"], "llama");
  EXPECT_EQ(model["parameter_size"], "1.2M");
  EXPECT_EQ(model["quantization_level"], "Q4_0");
  EXPECT_FALSE(model["modified_at"].get<std::string>().empty());
  EXPECT_EQ(keys_of(model), keys_of(documented_example("models list")["models"][0]));

  auto table = cli({"models", "list"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr("standin-tiny:latest"));
  EXPECT_THAT(table.out, HasSubstr("QUANTIZATION"));

  auto show = cli({"models", "show", "standin-tiny", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto shown = json::parse(show.out);
  EXPECT_EQ(shown["family"], "llama");
  EXPECT_EQ(shown["context_length"], 2048);
  EXPECT_THAT(shown["parameters"].get<std::string>(), HasSubstr("num_ctx 2048"));
  EXPECT_THAT(shown["template"].get<std::string>(), HasSubstr("{{ .Prompt }}"));
  EXPECT_EQ(shown["license_summary"], "Stand-in test model; no rights reserved.");
  auto human_show = cli({"models", "show", "standin-tiny"});
  EXPECT_EQ(human_show.exit_code, 0);
  EXPECT_THAT(human_show.out, HasSubstr("Template"));
  EXPECT_THAT(human_show.out, HasSubstr("no rights reserved"));
  EXPECT_THAT(human_show.out, HasSubstr("num_ctx 2048"));

  auto restart = cli({"restart"});
  ASSERT_EQ(restart.exit_code, 0) << restart.err;
  EXPECT_EQ(listed(), std::set<std::string>{"standin-tiny:latest"}) << "the model lives in the volume";

  auto declined = cli({"models", "rm", "standin-tiny"}, "n\n");
  EXPECT_EQ(declined.exit_code, 1);
  EXPECT_THAT(declined.err, HasSubstr("[y/N]"));
  EXPECT_THAT(declined.err, HasSubstr("nothing was removed"));
  auto no_answer = cli({"models", "rm", "standin-tiny"});
  EXPECT_EQ(no_answer.exit_code, 1);
  EXPECT_THAT(no_answer.err, HasSubstr("--force"));
  EXPECT_EQ(listed(), std::set<std::string>{"standin-tiny:latest"});

  auto removed = cli({"models", "rm", "standin-tiny"}, "y\n");
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_THAT(removed.out, HasSubstr("Removed standin-tiny"));
  EXPECT_TRUE(listed().empty());

  auto again = cli({"models", "rm", "--force", "standin-tiny"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("model 'standin-tiny' not found"));
  auto json_rm = cli({"models", "rm", "--force", "--json", "standin-tiny"});
  EXPECT_EQ(json_rm.exit_code, 1);
  auto rm_document = json::parse(json_rm.out);  // one document: the errors are in it, no error document follows
  EXPECT_EQ(rm_document["removed"], json::array());
  ASSERT_EQ(rm_document["errors"].size(), 1u);
  EXPECT_THAT(rm_document["errors"][0].get<std::string>(), HasSubstr("not found"));
  auto missing = cli({"models", "show", "nosuch"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("model 'nosuch' not found"));
}

TEST_F(CliModelsTest, AnUnknownModelExits1WithTheServersMessage) {
  start_stack();
  auto pull = cli({"models", "pull", "no-such-model"});
  EXPECT_EQ(pull.exit_code, 1);
  EXPECT_THAT(pull.err, HasSubstr("cannot pull no-such-model: pull model manifest: file does not exist"));

  // Several names: every one is tried, each failure named; JSON Lines end in a summary.
  auto both = cli({"models", "pull", "--json", "no-such-model", "standin-tiny:q4"});
  EXPECT_EQ(both.exit_code, 1);
  std::vector<json> lines;
  std::istringstream out(both.out);
  for (std::string line; std::getline(out, line);) lines.push_back(json::parse(line));
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0]["event"], "progress");
  EXPECT_EQ(lines[0]["model"], "no-such-model");
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const json& line) {
    return line["event"] == "error" && line["error"] == "pull model manifest: file does not exist";
  }));
  const auto& summary = lines.back();
  EXPECT_EQ(summary["event"], "summary");
  EXPECT_EQ(summary["schema_version"], 1);
  EXPECT_EQ(summary["ok"], false);
  ASSERT_EQ(summary["models"].size(), 2u);
  EXPECT_EQ(summary["models"][0]["status"], "failed");
  EXPECT_EQ(summary["models"][1]["status"], "success");
  EXPECT_EQ(summary["models"][1]["layers"], 4);
  EXPECT_EQ(keys_of(summary), keys_of(documented_example("models pull (JSON Lines)")));
  EXPECT_EQ(listed(), std::set<std::string>{"standin-tiny:q4"});
}

TEST_F(CliModelsTest, PsJsonMatchesTheDocumentedSchema) {
  start_stack();
  ASSERT_EQ(cli({"models", "pull", "standin-small"}).exit_code, 0);
  auto empty = cli({"models", "ps", "--json"});
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_TRUE(json::parse(empty.out)["models"].empty());

  // Load the model the way a chat does.
  stack::HttpRequestOptions load;
  load.method = "POST";
  load.body = R"({"model":"standin-small","prompt":"hi","stream":false})";
  auto answer = stack::http_request(ollama_url() + "/api/generate", load);
  ASSERT_EQ(answer.status, 200) << answer.error << answer.body;

  auto ps = cli({"models", "ps", "--json"});
  ASSERT_EQ(ps.exit_code, 0) << ps.err;
  auto document = json::parse(ps.out);
  auto documented = documented_example("models ps");
  ASSERT_TRUE(documented.is_object()) << "docs/json.md has a models ps example";
  EXPECT_EQ(keys_of(document), keys_of(documented));
  EXPECT_EQ(document["schema_version"], 1);
  EXPECT_EQ(document["platform"], "cpu");
  EXPECT_TRUE(document["warnings"].empty());
  ASSERT_EQ(document["models"].size(), 1u);
  const auto& model = document["models"][0];
  EXPECT_EQ(keys_of(model), keys_of(documented["models"][0]));
  EXPECT_EQ(model["name"], "standin-small:latest");
  EXPECT_GT(model["size_bytes"].get<int64_t>(), 24000);
  EXPECT_EQ(model["vram_bytes"], 0);
  EXPECT_EQ(model["processor"], "cpu");
  EXPECT_EQ(model["on_cpu_unexpectedly"], false) << "a cpu stack is expected to run on the CPU";
  EXPECT_EQ(model["context_length"], 4096);
  EXPECT_FALSE(model["expires_at"].get<std::string>().empty());
  EXPECT_EQ(model["family"], "qwen2");
  for (const auto& [key, value] : documented["models"][0].items())
    if (model.contains(key)) {
      EXPECT_EQ(std::string(model.at(key).type_name()), value.type_name()) << key;
    }

  auto table = cli({"models", "ps"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr("100% CPU"));
}

TEST_F(CliModelsTest, StartPullPullsOnceHealthyAndAFailureSaysTheStackIsUp) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  auto start = cli({"start", "--json", "--pull", "standin-tiny", "--pull", "standin-tiny:q4"});
  ASSERT_EQ(start.exit_code, 0) << start.err;
  auto document = json::parse(start.out);
  EXPECT_EQ(document["pulled_models"], json({"standin-tiny", "standin-tiny:q4"}));
  EXPECT_EQ(listed(), (std::set<std::string>{"standin-tiny:latest", "standin-tiny:q4"}));

  auto failing = cli({"start", "--pull", "no-such-model"});
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_THAT(failing.err, HasSubstr("the stack is running, but cannot pull no-such-model"));
  auto status = cli({"status"});
  EXPECT_EQ(status.exit_code, 0) << "the stack stays up: " << status.out;

  auto usage = cli({"start", "--no-wait", "--pull", "standin-tiny"});
  EXPECT_EQ(usage.exit_code, 2);
}

TEST_F(CliModelsTest, WithoutAStackItExits1NamingTheStartCommand) {
  ASSERT_EQ(cli({"install"}).exit_code, 0);
  for (auto verb : {"list", "ps"}) {
    auto result = cli({"models", verb});
    EXPECT_EQ(result.exit_code, 1) << verb;
    EXPECT_THAT(result.err, HasSubstr("is not running")) << verb;
    EXPECT_THAT(result.err, HasSubstr("ollama-stack start")) << verb;
  }
  auto json_error = cli({"models", "list", "--json"});
  EXPECT_EQ(json::parse(json_error.out)["error"]["exit_code"], 1);

  // --ollama-url needs no stack; nothing listening there is one sentence too.
  auto nowhere = cli({"models", "list", "--ollama-url", "127.0.0.1:" + std::to_string(free_port())});
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_THAT(nowhere.err, HasSubstr("cannot reach Ollama at http://127.0.0.1:"));
  EXPECT_EQ(cli({"models", "list", "--ollama-url", "ftp://x"}).exit_code, 2);
}

TEST_F(CliModelsTest, CtrlCDuringPullStopsCleanlyWithExit130AndALaterPullWorks) {
  ollama_environment("STANDIN_PULL_MS", "6000");  // the signal lands at about 1 s of 6
  start_stack();
  TempDir scratch;
  const std::string err_path = scratch.path() + "/err.txt";
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : env_) env_strings.push_back(key + "=" + value);
  pid_t pid = fork();
  if (pid == 0) {
    for (const auto& entry : env_strings) putenv(const_cast<char*>(entry.c_str()));
    int fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDERR_FILENO);
    execl(OLLAMA_STACK_BINARY, OLLAMA_STACK_BINARY, "models", "pull", "standin-small", nullptr);
    _exit(127);
  }
  auto stderr_text = [&] {
    std::ifstream file(err_path);
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  };
  ASSERT_TRUE(wait_until([&] { return stderr_text().find("25%") != std::string::npos; }, std::chrono::seconds(60)))
      << stderr_text();
  const auto interrupted_at = std::chrono::steady_clock::now();
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - interrupted_at, std::chrono::seconds(5)) << "stops at once";
  ASSERT_TRUE(WIFEXITED(status)) << stderr_text();
  EXPECT_EQ(WEXITSTATUS(status), 130) << stderr_text();
  EXPECT_THAT(stderr_text(), HasSubstr("interrupted"));
  EXPECT_TRUE(listed().empty()) << "an interrupted pull leaves no model behind";

  auto again = cli({"models", "pull", "standin-small"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(listed(), std::set<std::string>{"standin-small:latest"});
}

}  // namespace
}  // namespace ollama_stack::e2e
