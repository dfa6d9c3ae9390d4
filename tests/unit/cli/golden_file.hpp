#pragma once
// Golden-file comparison for rendered output. UPDATE_GOLDEN=1 rewrites the files instead.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace ollama_stack::testing {

inline void expect_golden(const std::string& actual, const std::string& name) {
  const std::string path = std::string(OLLAMA_STACK_GOLDEN_DIR) + "/" + name;
  if (const char* update = std::getenv("UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (run with UPDATE_GOLDEN=1 to create)";
  std::ostringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual)
      << "differs from " << path << " (run with UPDATE_GOLDEN=1 to accept the new output)";
}

}  // namespace ollama_stack::testing
