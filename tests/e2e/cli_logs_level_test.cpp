// `logs --level` against stand-ins that print each service's real log format
// (tests/standin/log_formats.cpp): exactly the lines at the level or above, tracebacks with the
// line they follow, the level as a JSON field.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/stack_project.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/service_http.hpp"
#include "support/background.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = stack::labels;
using Lines = std::map<std::string, std::vector<std::string>>;  // service -> lines

class CliLogsLevelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-loglevel");
    stack::ensure_home(home_.path());
    variables_ = standin_stack_env(project_);
    std::ofstream(stack::HomeLayout{home_.path()}.compose_override())
        << "services:\n"
           "  ollama:\n    environment:\n      STANDIN_LEVEL_LINES: \"1\"\n"
           "  webui:\n    environment:\n      STANDIN_LEVEL_LINES: \"1\"\n"
           "  mcp_proxy:\n    environment:\n      STANDIN_LEVEL_LINES: \"1\"\n";
    auto lookup = [this](std::string_view name) -> std::optional<std::string> {
      auto found = variables_.find(std::string(name));
      return found == variables_.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
    auto project =
        stack::load_stack_project({home_.path()}, lookup, stack::Platform::cpu, "").project;
    compose::ApplyOptions options;
    options.plan.extra_labels = {{labels::kInstallation, project_}, {labels::kComponent, "core"}};
    push_home_mcp_config(project, options.plan.extra_labels, home_.path());
    compose::apply(test_engine(), project, options);
  }
  void TearDown() override {
    if (!project_.empty()) remove_labelled(labels::kProject, project_);
  }

  RunOptions options() {
    RunOptions options{.env = variables_, .timeout = std::chrono::seconds(60)};
    options.env["OLLAMA_STACK_HOME"] = home_.path();
    options.env["NO_COLOR"] = "1";
    return options;
  }

  RunResult logs(std::vector<std::string> args) {
    args.insert(args.begin(), "logs");
    return run_cli(args, options());
  }

  // The JSON Lines of `logs --json ARGS`, per service; `levels` gets each line's level field.
  Lines json_lines(std::vector<std::string> args,
                   std::map<std::string, std::string>* levels = nullptr) {
    args.push_back("--json");
    auto result = logs(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    Lines lines;
    std::istringstream in(result.out);
    for (std::string line; std::getline(in, line);) {
      auto object = nlohmann::json::parse(line);
      lines[object["service"]].push_back(object["line"]);
      if (levels) (*levels)[object["line"]] = object["level"];
    }
    return lines;
  }

  TempDir home_;
  std::string project_;
  std::map<std::string, std::string> variables_;
};

// Each line must contain its fragment, in this order, and nothing else may be there.
void expect_lines(const std::vector<std::string>& got, const std::vector<std::string>& fragments,
                  const std::string& service) {
  ASSERT_EQ(got.size(), fragments.size()) << service << ":\n" << ::testing::PrintToString(got);
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NE(got[i].find(fragments[i]), std::string::npos) << got[i];
}

TEST_F(CliLogsLevelTest, WarnShowsExactlyTheWarningsAndErrorsWithTheirTracebacks) {
  ASSERT_TRUE(wait_until(
      [&] {
        auto all = logs({"--no-prefix"});
        return all.out.find("standin info after the error") != std::string::npos &&
               all.out.find("Listening on [::]:11434") != std::string::npos &&
               all.out.find("Uvicorn running on") != std::string::npos;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(300)))
      << "the stand-ins never printed their level lines";

  std::map<std::string, std::string> levels;
  auto warn = json_lines({"--level", "warn"}, &levels);
  expect_lines(warn["ollama"],
               {"level=WARN source=sched.go", "level=ERROR source=server.go", "[GIN]"}, "ollama");
  expect_lines(warn["webui"],
               {"| WARNING  | open_webui.main", "| ERROR    | open_webui.main",
                "Traceback (most recent call last):", "  File \"/app/backend/open_webui/main.py\"",
                "ValueError: standin error"},
               "webui");
  expect_lines(warn["mcp_proxy"],
               {" - WARNING - Failed to connect to:", " - ERROR - Failed to connect to MCP server",
                "Traceback (most recent call last):", "  File \"/app/src/mcpo/main.py\"",
                "ValueError: standin error"},
               "mcp_proxy");
  EXPECT_EQ(warn.size(), 3u);
  EXPECT_EQ(levels[warn["webui"][0]], "warn");
  EXPECT_EQ(levels[warn["webui"][2]], "error") << "the traceback has its error line's level";
  EXPECT_EQ(levels[warn["ollama"][2]], "error");

  auto error = logs({"--level", "ERROR", "--no-prefix", "webui"});
  ASSERT_EQ(error.exit_code, 0) << error.err;
  EXPECT_EQ(std::count(error.out.begin(), error.out.end(), '\n'), 4) << error.out;

  // debug: everything, the debug lines of each format included.
  auto debug = json_lines({"--level", "debug"}, &levels);
  for (const auto& service : {"ollama", "webui", "mcp_proxy"}) {
    bool found = false;
    for (const auto& line : debug[service])
      if (line.find("standin debug") != std::string::npos) found = levels[line] == "debug";
    EXPECT_TRUE(found) << service;
  }

  auto bad = logs({"--level", "loud"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--level loud"), std::string::npos) << bad.err;
}

// -f with --level: the history and the lines that arrive while following go through the same
// filter; a live line without a level of its own (the stand-in's request log) takes the level
// of the line before it (INFO), so it shows at --level info and not at --level warn.
TEST_F(CliLogsLevelTest, FollowFiltersTheHistoryAndTheLinesThatArriveWhileFollowing) {
  const std::vector<std::string> webui_warn{
      "| WARNING  | open_webui.main", "| ERROR    | open_webui.main",
      "Traceback (most recent call last):", "  File \"/app/backend/open_webui/main.py\"",
      "ValueError: standin error"};
  Background warn({"logs", "-f", "--level", "warn", "--no-prefix", "webui"}, options());
  Background info({"logs", "-f", "--level", "info", "--no-prefix", "webui"}, options());
  ASSERT_TRUE(wait_until(
      [&] {
        return warn.out().find("ValueError: standin error") != std::string::npos &&
               info.out().find("standin info after the error") != std::string::npos;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << "warn:\n"
      << warn.out() << warn.err() << "\ninfo:\n"
      << info.out() << info.err();

  const std::string marker = "/follow-level-" + project_;
  const auto answer =
      stack::http_request("http://127.0.0.1:" + variables_.at("WEBUI_PORT") + marker, {});
  ASSERT_NE(answer.status, 0) << answer.error;
  ASSERT_TRUE(wait_until([&] { return info.out().find(marker) != std::string::npos; },
                         std::chrono::seconds(30), std::chrono::milliseconds(100)))
      << "the live request line never reached the follower:\n"
      << info.out();

  warn.interrupt_group(SIGINT);
  info.interrupt_group(SIGINT);
  auto warn_done = warn.wait(std::chrono::seconds(10));
  auto info_done = info.wait(std::chrono::seconds(10));
  EXPECT_EQ(warn_done.exit_code, 0) << warn_done.err;
  EXPECT_EQ(info_done.exit_code, 0) << info_done.err;
  std::vector<std::string> lines;
  std::istringstream in(warn_done.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  expect_lines(lines, webui_warn, "webui -f --level warn");
  EXPECT_EQ(info_done.out.find("standin debug"), std::string::npos) << info_done.out;
  EXPECT_NE(info_done.out.find("| INFO     | open_webui.main:lifespan:102 - standin info"),
            std::string::npos);
}

}  // namespace
}  // namespace ollama_stack::e2e
