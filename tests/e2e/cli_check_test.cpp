// `ollama-stack check` run as a process against the real engine, with the stand-in images.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/stack_project.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

using ::testing::HasSubstr;
namespace labels = stack::labels;

// The document must be exactly one JSON object with the documented fields.
nlohmann::json parse_check_document(const std::string& out) {
  auto document = nlohmann::json::parse(out);  // throws on trailing content: one document only
  EXPECT_EQ(document.at("schema_version"), 1);
  EXPECT_TRUE(document.at("ok").is_boolean());
  EXPECT_TRUE(document.at("checks").is_array());
  for (const auto& check : document.at("checks")) {
    for (const char* field : {"id", "name", "status", "message", "fix"}) {
      EXPECT_TRUE(check.at(field).is_string()) << field << " in " << check.dump();
    }
    const auto status = check.at("status").get<std::string>();
    EXPECT_TRUE(status == "pass" || status == "fail" || status == "warn" || status == "skip") << status;
  }
  return document;
}

nlohmann::json check_of(const nlohmann::json& document, const std::string& id) {
  for (const auto& check : document.at("checks"))
    if (check.at("id") == id) return check;
  ADD_FAILURE() << "no check " << id << " in " << document.dump(2);
  return nlohmann::json::object();
}

class CliCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-check");
    home_path_ = dir_.path() + "/home";
    env_ = standin_stack_env(project_);
    env_["OLLAMA_STACK_HOME"] = home_path_;
  }
  void TearDown() override {
    if (!project_.empty()) remove_labelled(labels::kProject, project_);
  }

  RunResult check(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"check"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args, {.env = env_});
  }

  TempDir dir_;
  std::string home_path_;
  std::string project_;
  std::map<std::string, std::string> env_;
};

TEST_F(CliCheckTest, AFreshHomeFailsAndFixCreatesWhatIsMissing) {
  auto before = check({"--json"});
  EXPECT_EQ(before.exit_code, 1) << before.out << before.err;
  auto document = parse_check_document(before.out);
  EXPECT_FALSE(document["ok"].get<bool>());
  EXPECT_EQ(check_of(document, "engine")["status"], "pass");
  EXPECT_EQ(check_of(document, "home")["status"], "fail");
  EXPECT_EQ(check_of(document, "env_file")["status"], "fail");
  EXPECT_THAT(check_of(document, "env_file")["fix"].get<std::string>(), HasSubstr("--fix"));
  EXPECT_FALSE(std::filesystem::exists(home_path_)) << "check without --fix must not create anything";

  auto fixed = check({"--fix"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  EXPECT_THAT(fixed.out, HasSubstr("fixed: created " + home_path_ + "/.env"));
  EXPECT_THAT(fixed.out, HasSubstr("generated WEBUI_SECRET_KEY"));
  EXPECT_THAT(fixed.out, HasSubstr("All required checks passed"));

  auto after = check({"--json"});
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
  auto passed = parse_check_document(after.out);
  EXPECT_TRUE(passed["ok"].get<bool>());
  EXPECT_EQ(check_of(passed, "compose")["status"], "pass");
  EXPECT_EQ(check_of(passed, "port.webui")["status"], "pass");
  EXPECT_EQ(check_of(passed, "webui_to_ollama")["status"], "skip");  // not running
}

TEST_F(CliCheckTest, APortHeldByAnotherProcessNamesThePortAndItsPid) {
  stack::ensure_home(home_path_);
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);  // not inherited by the CLI it runs
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), size), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
  const std::string port = std::to_string(ntohs(address.sin_port));
  env_["WEBUI_PORT"] = port;

  auto json = check({"--json"});
  EXPECT_EQ(json.exit_code, 1) << json.out << json.err;
  auto webui = check_of(parse_check_document(json.out), "port.webui");
  EXPECT_EQ(webui["status"], "fail");
  EXPECT_THAT(webui["message"].get<std::string>(), HasSubstr("port " + port));
  EXPECT_THAT(webui["message"].get<std::string>(), HasSubstr("pid " + std::to_string(::getpid())));

  auto human = check();
  EXPECT_EQ(human.exit_code, 1);
  EXPECT_THAT(human.out, HasSubstr("port " + port + " (webui)"));
  EXPECT_THAT(human.out, HasSubstr("fix: stop what holds port " + port));
  ::close(fd);
}

TEST_F(CliCheckTest, ACorruptStateFileIsNamedWithItsLineAndLeftAlone) {
  stack::ensure_home(home_path_);
  const std::string path = home_path_ + "/.ollama-stack.json";
  const std::string corrupt = "{\n  \"schema_version\": 1,\n  \"enabled_extensions\": [1, 2]\n}\n";
  std::ofstream(path) << corrupt;

  auto result = check({"--json"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  auto state = check_of(parse_check_document(result.out), "state_file");
  EXPECT_EQ(state["status"], "fail");
  EXPECT_THAT(state["message"].get<std::string>(), HasSubstr(path + ":3"));
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, corrupt);
}

TEST_F(CliCheckTest, AnUnreachableEngineExits3AndStillChecksTheRest) {
  env_["DOCKER_HOST"] = "unix:///nonexistent.sock";
  auto human = check();
  EXPECT_EQ(human.exit_code, 3) << human.out << human.err;
  EXPECT_THAT(human.out, HasSubstr("/nonexistent.sock"));
  EXPECT_THAT(human.out, HasSubstr("chosen by DOCKER_HOST"));
  EXPECT_THAT(human.err, HasSubstr("ollama-stack: error: cannot reach the Docker engine"));

  auto json = check({"--json"});
  EXPECT_EQ(json.exit_code, 3);
  auto document = parse_check_document(json.out);
  EXPECT_FALSE(document["ok"].get<bool>());
  EXPECT_EQ(check_of(document, "engine")["status"], "fail");
  EXPECT_EQ(check_of(document, "engine_api")["status"], "skip");
  EXPECT_EQ(check_of(document, "env_file")["status"], "fail");  // the home is still checked
}

TEST_F(CliCheckTest, ARunningStackHoldsItsOwnPortsAndWebuiReachesOllama) {
  stack::ensure_home(home_path_);
  auto lookup = [this](std::string_view name) -> std::optional<std::string> {
    auto found = env_.find(std::string(name));
    return found == env_.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
  auto project = stack::load_stack_project({home_path_}, lookup, stack::Platform::cpu, "").project;
  compose::ApplyOptions options;
  options.plan.extra_labels = {{labels::kInstallation, project_}, {labels::kComponent, "core"}};
  push_home_mcp_config(project, options.plan.extra_labels, home_path_);
  compose::apply(test_engine(), project, options);

  auto result = check({"--json"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  auto document = parse_check_document(result.out);
  EXPECT_THAT(check_of(document, "port.ollama")["message"].get<std::string>(), HasSubstr("held by this stack"));
  auto reach = check_of(document, "webui_to_ollama");
  EXPECT_EQ(reach["status"], "pass") << reach.dump();
  EXPECT_THAT(reach["message"].get<std::string>(), HasSubstr("http://ollama:11434"));

  // Another project wanting the same ports is told which container holds them.
  env_["PROJECT_NAME"] = project_ + "-other";
  auto other = check({"--json"});
  EXPECT_EQ(other.exit_code, 1);
  auto webui = check_of(parse_check_document(other.out), "port.webui");
  EXPECT_EQ(webui["status"], "fail");
  EXPECT_THAT(webui["message"].get<std::string>(), HasSubstr("container " + project_ + "-webui-1"));
}

}  // namespace
}  // namespace ollama_stack::e2e
