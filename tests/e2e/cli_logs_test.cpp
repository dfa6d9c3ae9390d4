// `ollama-stack logs` run as a process against a stack of stand-in containers on the real engine.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/stack_project.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/logs.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = stack::labels;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class CliLogsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    project_ = unique_name("osk-e2e-logs");
    stack::ensure_home(home_.path());
    variables_ = standin_stack_env(project_);
  }
  void TearDown() override {
    if (!project_.empty()) remove_labelled(labels::kProject, project_);
  }

  void write_override(const std::string& yaml) {
    std::ofstream(stack::HomeLayout{home_.path()}.compose_override()) << yaml;
  }

  void up() {
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

  RunResult logs(std::vector<std::string> args,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(60000)) {
    args.insert(args.begin(), "logs");
    RunOptions options{.env = variables_, .timeout = timeout};
    options.env["OLLAMA_STACK_HOME"] = home_.path();
    options.env["NO_COLOR"] = "1";
    return run_cli(args, options);
  }

  TempDir home_;
  std::string project_;
  std::map<std::string, std::string> variables_;
};

TEST_F(CliLogsTest, ShowsTailPrefixesMergedTimestampsAndJsonLines) {
  write_override(
      "services:\n"
      "  webui:\n    environment:\n      STANDIN_CHATTY_LINES: \"12\"\n"
      "  ollama:\n    environment:\n      STANDIN_CHATTY_LINES: \"6\"\n");
  up();
  ASSERT_TRUE(wait_until(
      [&] {
        auto all = logs({"--no-prefix"});
        return all.out.find("chatty line 12/12") != std::string::npos &&
               all.out.find("chatty line 6/6") != std::string::npos;
      },
      std::chrono::milliseconds(20000), std::chrono::milliseconds(300)))
      << "the stand-ins never logged their chatty lines";

  auto tail = logs({"--tail", "5", "webui"});
  ASSERT_EQ(tail.exit_code, 0) << tail.err;
  auto tail_lines = lines_of(tail.out);
  EXPECT_EQ(tail_lines.size(), 5u) << tail.out;
  for (const auto& line : tail_lines) EXPECT_TRUE(line.starts_with("webui | ")) << line;

  auto all = logs({});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  std::set<std::string> prefixes;
  for (const auto& line : lines_of(all.out)) prefixes.insert(line.substr(0, 12));
  EXPECT_EQ(prefixes, (std::set<std::string>{"mcp_proxy | ", "ollama    | ", "webui     | "}))
      << all.out;

  // -t without prefix: every line starts with its time, and the services are merged in time order.
  auto timed = logs({"--no-prefix", "-t"});
  ASSERT_EQ(timed.exit_code, 0) << timed.err;
  int64_t previous = 0;
  auto timed_lines = lines_of(timed.out);
  EXPECT_GT(timed_lines.size(), 20u);
  for (const auto& line : timed_lines) {
    auto split = stack::split_timestamp(line);
    ASSERT_TRUE(split.time_ns.has_value()) << line;
    // The engine stamps a container's stdout and stderr lines as each stream's reader gets them
    // and keeps them in the order written to its log, so within one container a line may come
    // microseconds "before" the one above it (as `docker logs -t` shows too); the merge of the
    // services must not be further out of order than that.
    EXPECT_GE(*split.time_ns, previous - 1'000'000) << line;
    previous = std::max(previous, *split.time_ns);
  }
  auto untimed = logs({"--no-prefix", "ollama"});
  for (const auto& line : lines_of(untimed.out))
    EXPECT_FALSE(stack::split_timestamp(line).time_ns) << line;

  auto json = logs({"--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  std::set<std::string> services, streams;
  for (const auto& line : lines_of(json.out)) {
    auto object = nlohmann::json::parse(line);  // throws (fails the test) on anything but JSON
    services.insert(object.at("service").get<std::string>());
    streams.insert(object.at("stream").get<std::string>());
    EXPECT_TRUE(object.at("time").is_string());
    EXPECT_TRUE(object.at("line").is_string());
    EXPECT_EQ(object.at("container").get<std::string>(),
              project_ + "-" + object["service"].get<std::string>() + "-1");
  }
  EXPECT_EQ(services, (std::set<std::string>{"mcp_proxy", "ollama", "webui"}));
  EXPECT_EQ(streams, (std::set<std::string>{"stderr", "stdout"}));

  // --since/--until are converted client-side: a relative duration and Unix seconds both work.
  auto recent = logs({"--since", "10m", "webui"});
  EXPECT_EQ(recent.exit_code, 0) << recent.err;
  EXPECT_NE(recent.out.find("chatty line 12/12"), std::string::npos);
  auto ancient = logs({"--until", "1000000000"});
  EXPECT_EQ(ancient.exit_code, 0) << ancient.err;
  EXPECT_EQ(ancient.out, "");

  auto unknown = logs({"nosuch"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown service \"nosuch\""), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("mcp_proxy, ollama, webui"), std::string::npos) << unknown.err;

  auto bad_time = logs({"--since", "yesterday"});
  EXPECT_EQ(bad_time.exit_code, 2);
  EXPECT_NE(bad_time.err.find("RFC 3339"), std::string::npos) << bad_time.err;
}

TEST_F(CliLogsTest, FollowReturnsByItselfWhenTheFollowedContainerStops) {
  write_override(
      "services:\n"
      "  mcp_proxy:\n    restart: \"no\"\n    environment:\n      STANDIN_EXIT_AFTER_MS: "
      "\"4000\"\n");
  up();
  const auto started = std::chrono::steady_clock::now();
  auto followed = logs({"-f", "mcp_proxy"}, std::chrono::milliseconds(60000));
  EXPECT_EQ(followed.exit_code, 0) << followed.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
  EXPECT_NE(followed.out.find("mcp_proxy | "), std::string::npos) << followed.out;
  EXPECT_NE(followed.out.find("exiting with code 1"), std::string::npos) << followed.out;
}

TEST_F(CliLogsTest, AStackThatIsNotRunningSaysHowToStartIt) {
  auto result = logs({});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
  EXPECT_NE(result.err.find("is not running"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("ollama-stack start"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace ollama_stack::e2e
