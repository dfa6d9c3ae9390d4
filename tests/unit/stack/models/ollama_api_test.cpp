#include "ollama_stack/stack/models/ollama_api.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using json = nlohmann::json;
using ::testing::ElementsAre;

TEST(OllamaApi, ParsesTags) {
  auto models = parse_tags(json::parse(R"({"models":[{"name":"llama3.2:latest","model":"llama3.2:latest",
    "modified_at":"2024-10-01T10:00:00.123456789-07:00","size":2019393189,"digest":"a80c4f17acd5",
    "details":{"parent_model":"","format":"gguf","family":"llama","families":["llama"],"parameter_size":"3.2B",
    "quantization_level":"Q4_K_M"}}]})"));
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0].name, "llama3.2:latest");
  EXPECT_EQ(models[0].size, 2019393189);
  EXPECT_EQ(models[0].details.family, "llama");
  EXPECT_THAT(models[0].details.families, ElementsAre("llama"));
  EXPECT_EQ(models[0].details.parameter_size, "3.2B");
  EXPECT_EQ(models[0].details.quantization_level, "Q4_K_M");
}

TEST(OllamaApi, EmptyOrNullModelsIsNoModels) {
  EXPECT_TRUE(parse_tags(json::parse(R"({"models":[]})")).empty());
  EXPECT_TRUE(parse_tags(json::parse(R"({"models":null})")).empty());
  EXPECT_TRUE(parse_tags(json::parse(R"({})")).empty());
}

TEST(OllamaApi, AWrongShapeIsAnError) {
  EXPECT_THROW(parse_tags(json::parse(R"([1])")), Error);
  EXPECT_THROW(parse_ps(json::parse(R"({"models":"x"})")), Error);
  EXPECT_THROW(parse_show(json::parse(R"("x")")), Error);
}

TEST(OllamaApi, ParsesPsWithAndWithoutVram) {
  auto models = parse_ps(json::parse(R"({"models":[
    {"name":"a:latest","size":1000,"size_vram":1000,"expires_at":"2030-01-01T00:00:00Z","context_length":4096},
    {"name":"b:latest","size":500}]})"));
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].size_vram, 1000);
  EXPECT_EQ(models[0].context_length, 4096);
  EXPECT_EQ(models[0].expires_at, "2030-01-01T00:00:00Z");
  EXPECT_EQ(models[1].size_vram, 0);
  EXPECT_FALSE(models[1].context_length.has_value());
}

TEST(OllamaApi, ParsesShow) {
  auto show = parse_show(json::parse(R"({"license":"MIT\nmore","parameters":"num_ctx 2048","template":"{{ .Prompt }}",
    "details":{"family":"qwen2"},"model_info":{"qwen2.context_length":4096},"capabilities":["completion","tools"],
    "modified_at":"2024-01-01T00:00:00Z"})"));
  EXPECT_EQ(show.license, "MIT\nmore");
  EXPECT_EQ(show.parameters, "num_ctx 2048");
  EXPECT_EQ(show.template_text, "{{ .Prompt }}");
  EXPECT_EQ(show.details.family, "qwen2");
  EXPECT_EQ(show.model_info["qwen2.context_length"], 4096);
  EXPECT_THAT(show.capabilities, ElementsAre("completion", "tools"));
}

TEST(OllamaApi, ErrorMessageFromTheAnswer) {
  EXPECT_EQ(ollama_error_message(404, R"({"error":"model 'nope' not found"})"), "model 'nope' not found");
  EXPECT_EQ(ollama_error_message(404, "404 page not found\n"), "404 page not found");
  EXPECT_EQ(ollama_error_message(502, ""), "HTTP 502");
  EXPECT_EQ(ollama_error_message(500, R"({"error":""})"), R"({"error":""})");
  EXPECT_EQ(ollama_error_message(500, std::string(500, 'x')).size(), 200u + std::string("…").size());
}

}  // namespace
}  // namespace ollama_stack::stack
