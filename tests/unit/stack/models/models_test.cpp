#include "ollama_stack/stack/models/models.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using ::testing::HasSubstr;

RunningModel loaded(int64_t size, int64_t vram) {
  RunningModel model;
  model.name = "llama3.2:latest";
  model.size = size;
  model.size_vram = vram;
  return model;
}

TEST(Models, ACpuOnlyModelOnANvidiaStackIsFlaggedWithTheFix) {
  auto warning = cpu_fallback_warning(loaded(1000, 0), Platform::nvidia);
  EXPECT_THAT(warning, HasSubstr("llama3.2:latest"));
  EXPECT_THAT(warning, HasSubstr("runs on the CPU"));
  EXPECT_THAT(warning, HasSubstr("ollama-stack restart"));
}

TEST(Models, NothingToSayOnCpuStacksOrWithGpuMemory) {
  EXPECT_EQ(cpu_fallback_warning(loaded(1000, 0), Platform::cpu), "");
  EXPECT_EQ(cpu_fallback_warning(loaded(1000, 0), Platform::apple), "");
  EXPECT_EQ(cpu_fallback_warning(loaded(1000, 400), Platform::nvidia), "");
  EXPECT_EQ(cpu_fallback_warning(loaded(1000, 1000), Platform::nvidia), "");
}

TEST(Models, Processor) {
  EXPECT_EQ(processor_of(loaded(1000, 0)), "cpu");
  EXPECT_EQ(processor_of(loaded(1000, 1000)), "gpu");
  EXPECT_EQ(processor_of(loaded(1000, 400)), "mixed");
}

TEST(Models, LicenseSummaryIsTheFirstMeaningfulLine) {
  EXPECT_EQ(license_summary("\n\n   MIT License  \nCopyright (c) 2024\n"), "MIT License");
  EXPECT_EQ(license_summary(""), "");
  EXPECT_EQ(license_summary(" \n\t\n"), "");
  EXPECT_EQ(license_summary("LLAMA 3.2 COMMUNITY LICENSE AGREEMENT", 10), "LLAMA 3.2…");
  EXPECT_EQ(license_summary("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4), "\xc3\xa9…") << "never cut inside a character";
}

TEST(Models, NormalizesTheOllamaUrl) {
  EXPECT_EQ(normalize_ollama_url("localhost:11434"), "http://localhost:11434");
  EXPECT_EQ(normalize_ollama_url("http://gpu-box:11434/"), "http://gpu-box:11434");
  EXPECT_EQ(normalize_ollama_url("https://ollama.example"), "https://ollama.example");
  try {
    normalize_ollama_url("ftp://x");
    FAIL() << "ftp is refused";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::usage);
    EXPECT_THAT(error.what(), HasSubstr("http or https"));
  }
  EXPECT_THROW(normalize_ollama_url("/"), Error);
}

}  // namespace
}  // namespace ollama_stack::stack
