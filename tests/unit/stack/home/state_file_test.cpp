#include "ollama_stack/stack/home/state_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/temp_dir.hpp"

namespace ollama_stack::stack {
namespace {

using namespace std::chrono;
using ollama_stack::testing::slurp;
using ollama_stack::testing::spit;
using ollama_stack::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

StackState sample() {
  StackState state;
  state.platform = Platform::nvidia;
  state.enabled_extensions = {"comfyui", "searxng"};
  state.last_start =
      LastStart{sys_days{2024y / May / 1} + 12h, Platform::nvidia, {"ollama", "webui"}};
  return state;
}

TEST(StateFile, MissingFileGivesDefaults) {
  TempDir dir;
  StackState state = load_state(dir / ".ollama-stack.json");
  EXPECT_EQ(state.schema_version, 1);
  EXPECT_EQ(state.platform, std::nullopt);
  EXPECT_TRUE(state.enabled_extensions.empty());
  EXPECT_EQ(state.last_start, std::nullopt);
}

TEST(StateFile, JsonShape) {
  EXPECT_EQ(to_json(sample()), nlohmann::json::parse(R"({
    "schema_version": 1, "platform": "nvidia", "enabled_extensions": ["comfyui", "searxng"],
    "last_start": {"at": "2024-05-01T12:00:00Z", "platform": "nvidia", "services": ["ollama", "webui"]}
  })"));
  EXPECT_EQ(to_json(StackState{}),
            nlohmann::json::parse(R"({"schema_version": 1, "enabled_extensions": []})"));
}

TEST(StateFile, PlatformRecordRoundTripsAndStandsForTheDecision) {
  TempDir dir;
  const auto path = dir / ".ollama-stack.json";
  StackState state = sample();
  PlatformDecision decision{.platform = Platform::nvidia,
                            .nvidia_request = NvidiaRequest::cdi,
                            .reason = "the engine has NVIDIA CDI devices",
                            .evidence = {"engine runtimes: runc"}};
  state.last_start->platform_record = record_of(decision);
  save_state(path, state);
  EXPECT_EQ(load_state(path), state);
  const auto recorded = recorded_decision(*load_state(path).last_start);
  EXPECT_EQ(recorded.platform, Platform::nvidia);
  EXPECT_EQ(recorded.nvidia_request, NvidiaRequest::cdi);
  EXPECT_EQ(recorded.reason, decision.reason);
  EXPECT_EQ(recorded.evidence, decision.evidence);
  EXPECT_THAT(slurp(path), HasSubstr("\"gpu_request\": \"cdi\""));
}

TEST(StateFile, RoundTripThroughTheFile) {
  TempDir dir;
  const auto path = dir / ".ollama-stack.json";
  StackState state = sample();
  state.other_members["future_field"] = {{"x", 1}};
  save_state(path, state);
  EXPECT_EQ(load_state(path), state);
  EXPECT_THAT(slurp(path), HasSubstr("\"future_field\""));
  EXPECT_THAT(dir.entries(), ElementsAre(".ollama-stack.json"));
}

// Loads `text` from a fresh file; returns the error and leaves the directory for inspection.
struct Refusal {
  std::string message;
  std::string hint;
  std::optional<std::filesystem::path> copy;
};

Refusal refusal(const TempDir& dir, const std::string& text) {
  spit(dir / ".ollama-stack.json", text);
  try {
    load_state(dir / ".ollama-stack.json");
  } catch (const StateFileError& error) {
    return {error.what(), error.hint(), error.kept_copy()};
  }
  ADD_FAILURE() << "no error for " << text;
  return {};
}

TEST(StateFile, BadJsonNamesPathLineAndKeepsACopy) {
  TempDir dir;
  const auto path = dir / ".ollama-stack.json";
  std::string bad = "{\n  \"schema_version\": 1,\n  \"platform\": cpu\n}\n";
  auto error = refusal(dir, bad);
  EXPECT_THAT(error.message, StartsWith(path.string() + ":3:15: not valid JSON"));
  ASSERT_TRUE(error.copy);
  EXPECT_THAT(error.copy->filename().string(), StartsWith(".ollama-stack.json.corrupt-"));
  EXPECT_THAT(error.message, HasSubstr("a copy was saved as " + error.copy->string()));
  EXPECT_THAT(error.hint, HasSubstr("remove it"));
  EXPECT_EQ(slurp(*error.copy), bad);
  EXPECT_EQ(slurp(path), bad);  // the original stays too
}

TEST(StateFile, RepeatedLoadsReuseTheSameCopy) {
  TempDir dir;
  auto first = refusal(dir, "{");
  auto second = refusal(dir, "{");
  EXPECT_EQ(first.copy, second.copy);
  EXPECT_EQ(dir.entries().size(), 2u);
}

TEST(StateFile, WrongTypesNameTheMemberAndLine) {
  TempDir dir;
  const std::string path = (dir / ".ollama-stack.json").string();
  EXPECT_THAT(refusal(dir, "{\n\"schema_version\": 1,\n\"enabled_extensions\": \"a\"\n}").message,
              StartsWith(path + ":3: enabled_extensions must be an array of strings"));
  EXPECT_THAT(refusal(dir, "{\"platform\": \"tpu\"}").message,
              StartsWith(path + ":1: platform \"tpu\" is not a platform"));
  EXPECT_THAT(refusal(dir, "{\"platform\": \"cpu\",\n \"last_start\": {\"at\": \"x\"}}").message,
              StartsWith(path + ":2: last_start.at \"x\" is not an RFC 3339 time"));
  EXPECT_THAT(
      refusal(dir, "{\"last_start\": {\"at\": \"2024-05-01T00:00:00Z\",\n \"platform\": 3}}")
          .message,
      StartsWith(path + ":2: last_start.platform must be a string, not number"));
  EXPECT_THAT(refusal(dir, "[1]").message,
              StartsWith(path + ": must hold a JSON object, not array"));
  EXPECT_THAT(refusal(dir, "{\"schema_version\": \"1\"}").message,
              StartsWith(path + ":1: schema_version must be a positive whole number"));
}

TEST(StateFile, NewerSchemaVersionIsRefused) {
  TempDir dir;
  auto error = refusal(dir, "{\n  \"schema_version\": 2\n}");
  EXPECT_THAT(error.message,
              StartsWith((dir / ".ollama-stack.json").string() +
                         ":2: schema_version is 2, newer than this ollama-stack understands (1)"));
  EXPECT_THAT(error.hint, HasSubstr("upgrade ollama-stack"));
  EXPECT_TRUE(error.copy);
}

TEST(StateFile, ErrorIsAConfigErrorWithExitCode5) {
  TempDir dir;
  spit(dir / ".ollama-stack.json", "nope");
  try {
    load_state(dir / ".ollama-stack.json");
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.code(), ExitCode::bad_config);
  }
}

TEST(StateFile, NullPlatformAndLastStartAreAccepted) {
  TempDir dir;
  spit(dir / ".ollama-stack.json",
       R"({"schema_version": 1, "platform": null, "last_start": null})");
  EXPECT_EQ(load_state(dir / ".ollama-stack.json"), StackState{});
}

}  // namespace
}  // namespace ollama_stack::stack

namespace ollama_stack::stack {
namespace {

TEST(StateFile, ThePythonToolsFileAsksForAMigrationAndIsNotCopiedAside) {
  TempDir dir;
  const auto path = dir / ".ollama-stack.json";
  spit(path, R"({"version": "0.2.0", "extensions": {"enabled": [], "config": {}}})");
  try {
    load_state(path);
    FAIL() << "no error";
  } catch (const MigrationDueError& error) {
    EXPECT_THAT(
        error.what(),
        StartsWith(path.string() + ": written by the Python ollama-stack 0.2.0 (state schema 0)"));
    EXPECT_THAT(error.hint(), HasSubstr("ollama-stack migrate"));
    EXPECT_EQ(error.code(), ExitCode::bad_config);
  }
  EXPECT_THAT(dir.entries(), ElementsAre(".ollama-stack.json"));
}

}  // namespace
}  // namespace ollama_stack::stack
