#include "ollama_stack/stack/models/model_memory.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

ExitCode code_of(const std::string& text) {
  try {
    parse_keep_alive(text);
  } catch (const Error& error) {
    return error.code();
  }
  return ExitCode::ok;
}

TEST(ModelMemory, KeepAliveSecondsGoAsANumberAsOllamaReadsThem) {
  EXPECT_EQ(parse_keep_alive("300"), json(300));
  EXPECT_EQ(parse_keep_alive("-1"), json(-1));  // Ollama: negative = stay loaded
  EXPECT_EQ(parse_keep_alive("1.5"), json(1.5));
}

TEST(ModelMemory, KeepAliveDurationsGoAsGoDurationStrings) {
  for (auto text : {"5m", "1h30m", "1.5h", "500ms", "-1m", "2h0m0s", "10us", "10\u00b5s"})
    EXPECT_EQ(parse_keep_alive(text), json(text)) << text;
}

TEST(ModelMemory, KeepAliveRejectsWhatOllamaWouldRejectAsAUsageError) {
  for (auto text : {"", "abc", "5x", "m", "1h-2m", "5m ", "..5s", "forever"})
    EXPECT_EQ(code_of(text), ExitCode::usage) << text;
  try {
    parse_keep_alive("soon");
    FAIL();
  } catch (const Error& error) {
    EXPECT_THAT(error.what(), HasSubstr("\"soon\" is not a duration"));
  }
}

TEST(ModelMemory, KeepAliveZeroWouldUnloadSoItPointsAtUnload) {
  for (auto text : {"0", "0s", "0m", "-0"}) {
    try {
      parse_keep_alive(text);
      FAIL() << text;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ExitCode::usage);
      EXPECT_THAT(error.hint(), HasSubstr("models unload")) << text;
    }
  }
}

TEST(ModelMemory, ANameWithoutATagMeansLatest) {
  EXPECT_TRUE(same_model("llama3.2", "llama3.2:latest"));
  EXPECT_TRUE(same_model("qwen2.5:7b", "qwen2.5:7b"));
  EXPECT_FALSE(same_model("qwen2.5:7b", "qwen2.5"));
  EXPECT_EQ(model_with_tag("hf.co/org/model"), "hf.co/org/model:latest");
  EXPECT_EQ(model_with_tag("localhost:5000/m"), "localhost:5000/m:latest");  // a port is not a tag
  EXPECT_EQ(model_with_tag("localhost:5000/m:q4"), "localhost:5000/m:q4");
}

}  // namespace
}  // namespace ollama_stack::stack
