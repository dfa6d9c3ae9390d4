#include "ollama_stack/stack/update.hpp"

#include <gtest/gtest.h>

namespace ollama_stack::stack {
namespace {

TEST(Update, TargetsAreTheServicesImagesOncePerReferenceWithoutBuiltOnes) {
  compose::Project project;
  project.name = "p";
  project.services["ollama"].image = "ollama/ollama:latest";
  project.services["webui"].image = "ghcr.io/open-webui/open-webui:main";
  project.services["webui2"].image = "ghcr.io/open-webui/open-webui:main";
  project.services["custom"].image = "p-custom";
  project.services["custom"].build = compose::Build{"/ctx", "", "", {}, ""};
  auto targets = core_update_targets(project);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].reference, "ghcr.io/open-webui/open-webui:main");
  EXPECT_EQ(targets[0].services, (std::vector<std::string>{"webui", "webui2"}));
  EXPECT_EQ(targets[1].reference, "ollama/ollama:latest");
  EXPECT_EQ(targets[1].services, (std::vector<std::string>{"ollama"}));
}

TEST(Update, ChangedComparesWithWhatRanAndNeverCountsAFailure) {
  ImageUpdate image;
  image.old_id = "sha256:a";
  image.new_id = "sha256:b";
  image.outcome = ImageUpdate::Outcome::local;
  EXPECT_TRUE(image.changed());
  image.outcome = ImageUpdate::Outcome::failed;
  EXPECT_FALSE(image.changed());
  image.outcome = ImageUpdate::Outcome::updated;
  image.new_id = "sha256:a";
  EXPECT_FALSE(image.changed());
  UpdateResult result;
  result.images = {image};
  EXPECT_FALSE(result.any_failed());
  result.images[0].outcome = ImageUpdate::Outcome::failed;
  EXPECT_TRUE(result.any_failed());
  EXPECT_STREQ(to_string(ImageUpdate::Outcome::local), "local");
}

}  // namespace
}  // namespace ollama_stack::stack
