#include "ollama_stack/cli/json_output.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ollama_stack::cli {
namespace {

TEST(WriteJson, TwoSpaceIndentAndTrailingNewline) {
  std::ostringstream out;
  write_json(out, {{"services", {{{"name", "ollama"}, {"running", true}}}}, {"count", 1}});
  EXPECT_EQ(out.str(),
            "{\n"
            "  \"count\": 1,\n"
            "  \"services\": [\n"
            "    {\n"
            "      \"name\": \"ollama\",\n"
            "      \"running\": true\n"
            "    }\n"
            "  ]\n"
            "}\n");
}

TEST(WriteJson, ReplacesInvalidUtf8InsteadOfThrowing) {
  std::ostringstream out;
  write_json(out, {{"log", std::string("bad\xff")}});
  EXPECT_EQ(out.str(), "{\n  \"log\": \"bad\xef\xbf\xbd\"\n}\n");
}

TEST(WithSchemaVersion, AddsTheVersion) {
  const auto doc = with_schema_version({{"ok", true}});
  EXPECT_EQ(doc.at("schema_version"), kJsonSchemaVersion);
  EXPECT_EQ(doc.at("ok"), true);
  EXPECT_EQ(with_schema_version(nlohmann::json::object(), 7).at("schema_version"), 7);
  EXPECT_THROW(with_schema_version(nlohmann::json::array()), std::invalid_argument);
}

TEST(JsonLinesWriter, OneCompactObjectPerLine) {
  std::ostringstream out;
  JsonLinesWriter writer(out);
  writer.write({{"event", "pull"}, {"id", "ollama"}, {"current", 10}});
  writer.write({{"event", "done"}, {"id", "ollama"}});
  EXPECT_EQ(out.str(),
            "{\"current\":10,\"event\":\"pull\",\"id\":\"ollama\"}\n"
            "{\"event\":\"done\",\"id\":\"ollama\"}\n");
}

TEST(JsonLinesWriter, LinesFromManyThreadsNeverInterleave) {
  std::ostringstream out;
  JsonLinesWriter writer(out);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&writer, t] {
      for (int i = 0; i < 200; ++i) writer.write({{"thread", t}, {"i", i}, {"pad", "xxxxxxxx"}});
    });
  }
  for (auto& th : threads) th.join();
  std::istringstream lines(out.str());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
    ++count;
  }
  EXPECT_EQ(count, 800);
}

}  // namespace
}  // namespace ollama_stack::cli
