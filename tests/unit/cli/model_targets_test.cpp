#include "ollama_stack/cli/model_targets.hpp"

#include <gtest/gtest.h>

namespace ollama_stack::cli {
namespace {

TEST(ModelTargets, NothingNamedMeansTheVerbsDefault) {
  const TargetChoice none;
  EXPECT_TRUE(target_selected("core", none, true));
  EXPECT_TRUE(target_selected("b2", none, true));
  EXPECT_TRUE(target_selected("core", none, false));  // load/switch: the core's Ollama only
  EXPECT_FALSE(target_selected("b2", none, false));
}

TEST(ModelTargets, BackendNamesOnlyThoseAndAllNamesEveryOne) {
  const TargetChoice b2{{"b2"}, false};
  EXPECT_FALSE(target_selected("core", b2, true));
  EXPECT_TRUE(target_selected("b2", b2, false));
  EXPECT_FALSE(target_selected("b3", b2, true));
  const TargetChoice core_and_b3{{"core", "b3"}, false};
  EXPECT_TRUE(target_selected("core", core_and_b3, false));
  EXPECT_TRUE(target_selected("b3", core_and_b3, false));
  EXPECT_FALSE(target_selected("b2", core_and_b3, true));
  const TargetChoice all{{}, true};
  EXPECT_TRUE(target_selected("core", all, false));
  EXPECT_TRUE(target_selected("b2", all, false));
}

TEST(ModelTargets, MergedListingsTagEachModelWithItsBackendInTargetOrder) {
  std::vector<TargetListing> listings = listings_of(
      {{"core", "http://127.0.0.1:11434", ""}, {"b2", "http://h:11435", ""}, {"b3", "", "down"}});
  listing_of(listings, "b2").models.push_back({{"name", "tiny:latest"}});
  listing_of(listings, "core").models.push_back({{"name", "tiny:latest"}});
  listing_of(listings, "core").models.push_back({{"name", "big:7b"}});
  listing_of(listings, "b3").error = "engine unreachable";
  const auto merged = merge_listings(listings);
  ASSERT_EQ(merged["models"].size(), 3u);
  EXPECT_EQ(merged["models"][0]["backend"], "core");
  EXPECT_EQ(merged["models"][0]["name"], "tiny:latest");
  EXPECT_EQ(merged["models"][1]["name"], "big:7b");
  EXPECT_EQ(merged["models"][2]["backend"], "b2");
  EXPECT_EQ(merged["models"][2]["name"], "tiny:latest");
  ASSERT_EQ(merged["targets"].size(), 3u);
  EXPECT_EQ(merged["targets"][0]["backend"], "core");
  EXPECT_EQ(merged["targets"][0]["models"], 2);
  EXPECT_TRUE(merged["targets"][1]["ok"].get<bool>());
  EXPECT_TRUE(merged["targets"][1]["error"].is_null());
  EXPECT_EQ(merged["targets"][1]["endpoint"], "http://h:11435");
  EXPECT_FALSE(merged["targets"][2]["ok"].get<bool>());
  EXPECT_EQ(merged["targets"][2]["error"], "engine unreachable");
  EXPECT_EQ(merged["targets"][2]["models"], 0);
}

TEST(ModelTargets, ListingDocumentAddsBackendsOnlyOnAFleet) {
  ModelTargets alone;
  alone.targets = {{"core", "http://127.0.0.1:11434", ""}};
  auto listings = listings_of(alone.targets);
  listings[0].models.push_back({{"name", "tiny:latest"}});
  const auto plain = listing_document(alone, listings, {});
  EXPECT_EQ(plain["endpoint"], "http://127.0.0.1:11434");
  EXPECT_FALSE(plain["models"][0].contains("backend"));
  EXPECT_FALSE(plain.contains("targets"));

  ModelTargets fleet = alone;
  fleet.fleet = true;
  fleet.targets.push_back({"b2", "", "cannot connect"});
  auto fleet_listings = listings_of(fleet.targets);
  fleet_listings[0].models.push_back({{"name", "tiny:latest"}});
  const auto both = listing_document(
      fleet, fleet_listings, {{"b2", "cannot connect", ExitCode::engine_unreachable, nullptr}});
  EXPECT_EQ(both["models"][0]["backend"], "core");
  EXPECT_EQ(both["targets"][1]["error"], "cannot connect");
}

TEST(ModelTargets, FailuresNameEachBackendAndAnUnreachableEngineIsExit4) {
  EXPECT_NO_THROW(raise_target_failures({}));
  try {
    raise_target_failures({{"b2", "model not found", ExitCode::failed, nullptr},
                           {"b3", "cannot connect", ExitCode::engine_unreachable, nullptr}});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::unhealthy);
    EXPECT_STREQ(error.what(), "backend b2: model not found; backend b3: cannot connect");
  }
  try {
    raise_target_failures({{"b2", "model not found", ExitCode::failed, nullptr}});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::failed);
  }
}

TEST(ModelTargets, TheCoreAloneKeepsItsOwnError) {
  try {
    raise_target_failures(
        {{"core", "x", ExitCode::failed,
          std::make_exception_ptr(Error(ExitCode::bad_config, "its own", "its hint"))}});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::bad_config);
    EXPECT_STREQ(error.what(), "its own");
    EXPECT_EQ(error.hint(), "its hint");
  }
}

}  // namespace
}  // namespace ollama_stack::cli
