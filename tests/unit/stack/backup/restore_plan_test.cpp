#include "ollama_stack/stack/backup/restore_plan.hpp"

#include <gtest/gtest.h>

#include "ollama_stack/stack/extensions/extension_project.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {


compose::Project project_named(const std::string& name) {
  compose::Project project;
  project.name = name;
  project.volumes["ollama_data"] = {
      "ollama_data", name + "_ollama_data", "local", false, {{"mine", "yes"}}};
  project.volumes["webui_data"] = {"webui_data", name + "_webui_data", "local", false, {}};
  project.volumes["shared"] = {"shared", "shared-models", "local", true, {}};
  return project;
}

BackupVolume volume(const std::string& key, const std::string& name) {
  BackupVolume entry;
  entry.key = key;
  entry.name = name;
  entry.labels = {{labels::kProject, "theirs"}, {labels::kInstallation, "theirs"}};
  entry.archive = "volumes/" + key + ".tar";
  return entry;
}

TEST(RestorePlan, NamesAndLabelsComeFromThisProjectNeverFromTheBackup) {
  BackupManifest manifest;
  manifest.project = "theirs";
  manifest.volumes = {volume("ollama_data", "theirs_ollama_data"),
                      volume("webui_data", "victim_webui_data")};
  const auto targets = plan_volume_restore(manifest, project_named("ours"));
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].name, "ours_ollama_data");
  EXPECT_EQ(targets[1].name, "ours_webui_data") << "the name in the manifest is ignored";
  EXPECT_EQ(targets[0].labels.at(labels::kInstallation), "ours");
  EXPECT_EQ(targets[0].labels.at(labels::kProject), "ours");
  EXPECT_EQ(targets[0].labels.at(labels::kVolume), "ollama_data");
  EXPECT_EQ(targets[0].labels.at("mine"), "yes");
  EXPECT_EQ(targets[0].entry, &manifest.volumes[0]);
}

TEST(RestorePlan, AnExtensionsVolumeMovesIntoThisInstallation) {
  BackupManifest manifest;
  manifest.project = "theirs";
  manifest.volumes = {volume("theirs-ext-fetch_cache", "theirs-ext-fetch_cache")};
  const auto targets = plan_volume_restore(manifest, project_named("ours"));
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].name, "ours-ext-fetch_cache");
  EXPECT_EQ(targets[0].labels.at(labels::kProject), extension_project_name("ours", "fetch"));
  EXPECT_EQ(targets[0].labels.at(labels::kInstallation), "ours");
  EXPECT_EQ(targets[0].labels.at(kExtensionLabel), "fetch");
}

TEST(RestorePlan, AnythingElseIsRefusedNamingTheVolume) {
  for (const auto& [key, name] :
       std::vector<std::pair<std::string, std::string>>{{"victim_data", "victim_data"},
                                                        {"shared", "shared-models"},
                                                        {"other-ext-x_y", "other-ext-x_y"}}) {
    BackupManifest manifest;
    manifest.project = "theirs";
    manifest.volumes = {volume(key, name)};
    try {
      plan_volume_restore(manifest, project_named("ours"));
      FAIL() << name << " was accepted";
    } catch (const Error& error) {
      EXPECT_NE(
          std::string(error.what()).find("the backup's volume " + name + " cannot be restored"),
          std::string::npos)
          << error.what();
    }
  }
}

}  // namespace
}  // namespace ollama_stack::stack
