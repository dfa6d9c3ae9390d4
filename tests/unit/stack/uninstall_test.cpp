#include "ollama_stack/stack/uninstall.hpp"

#include <gtest/gtest.h>

namespace ollama_stack::stack {
namespace {

engine::ContainerSummary container(const std::string& name, const std::string& image, const std::string& image_id,
                                   const std::string& installation) {
  engine::ContainerSummary summary;
  summary.name = name;
  summary.image = image;
  summary.image_id = image_id;
  if (!installation.empty()) summary.labels["ollama-stack.installation"] = installation;
  return summary;
}

TEST(Uninstall, AnImageNobodyElseUsesMayGo) {
  engine::ImageInfo image{"sha256:a", {"ollama/ollama:latest"}, 0, 0, {}};
  EXPECT_EQ(image_kept_because("ollama/ollama:latest", image, {}), "");
  EXPECT_EQ(image_kept_because("ollama/ollama:latest", image, {container("x", "busybox", "sha256:b", "")}), "");
}

TEST(Uninstall, AnotherInstallationsContainerOnTheSameNameKeepsIt) {
  engine::ImageInfo image{"sha256:a", {"ollama/ollama:latest", "mirror/ollama:latest"}, 0, 0, {}};
  EXPECT_EQ(image_kept_because("ollama/ollama:latest", image, {container("other-ollama-1", "ollama/ollama:latest", "sha256:a", "other")}),
            "used by container other-ollama-1 (installation other)");
}

TEST(Uninstall, TheLastTagOfAnImageSomeoneRunsIsKeptButASecondTagMayGo) {
  engine::ImageInfo only{"sha256:a", {"mine/ollama:test"}, 0, 0, {}};
  const auto user = container("someone", "sha256:a", "sha256:a", "");
  EXPECT_EQ(image_kept_because("mine/ollama:test", only, {user}), "used by container someone (not an ollama-stack installation)");
  engine::ImageInfo shared{"sha256:a", {"mine/ollama:test", "ollama-stack-standin/ollama:test"}, 0, 0, {}};
  EXPECT_EQ(image_kept_because("mine/ollama:test", shared, {container("t", "ollama-stack-standin/ollama:test", "sha256:a", "t")}), "")
      << "untagging leaves the image to the container that uses it under another name";
}

}  // namespace
}  // namespace ollama_stack::stack
