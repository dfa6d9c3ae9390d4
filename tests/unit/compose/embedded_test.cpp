#include "ollama_stack/compose/embedded.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ollama_stack::compose {
namespace {

std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(OLLAMA_STACK_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(EmbeddedCompose, HoldsEveryFileOfComposeDirByteForByte) {
  for (const char* name : {"docker-compose.yml", "docker-compose.nvidia.yml",
                           "docker-compose.amd.yml", "docker-compose.apple.yml"}) {
    auto content = embedded_compose_file(name);
    ASSERT_TRUE(content.has_value()) << name;
    EXPECT_EQ(*content, read_source_file(std::string("compose/") + name)) << name;
  }
}

TEST(EmbeddedCompose, UnknownNameIsAbsent) {
  EXPECT_FALSE(embedded_compose_file("nope.yml").has_value());
}

}  // namespace
}  // namespace ollama_stack::compose
