// compose::down with a scripted engine: what the engine answers is unusual, but nothing that a
// worker thread meets may end the process; it is reported by the caller's error.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "ollama_stack/compose/apply.hpp"
#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/engine/transport.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::compose {
namespace {

// Answers by "METHOD path-without-version-and-query"; 404 for anything else.
class ScriptedTransport : public engine::Transport {
 public:
  explicit ScriptedTransport(std::map<std::string, engine::HttpResponse> answers)
      : answers_(std::move(answers)) {}
  engine::HttpResponse send(const engine::HttpRequest& request) override {
    std::string path = request.path;
    if (path.starts_with("/v1.")) path = path.substr(path.find('/', 1));
    path = path.substr(0, path.find('?'));
    std::lock_guard lock(mutex_);
    auto found = answers_.find(request.method + " " + path);
    if (found != answers_.end()) return found->second;
    return {404, R"({"message":"no such thing"})", {}};
  }
  std::string describe() const override { return "scripted://engine"; }

 private:
  std::mutex mutex_;
  std::map<std::string, engine::HttpResponse> answers_;
};

TEST(Down, AnUnusualEngineAnswerInAWorkerIsReportedNotFatal) {
  engine::Client client(std::make_unique<ScriptedTransport>(std::map<std::string,
                                                                     engine::HttpResponse>{
      {"GET /_ping", {200, "OK", {{"api-version", "1.41"}}}},
      {"GET /containers/json",
       {200,
        R"([{"Id":"c1","Names":["/p-web-1"],"State":"running","Labels":{"com.docker.compose.service":"web"}}])",
        {}}},
      // A Config that is not an object: reading its StopTimeout throws inside the worker.
      {"GET /containers/c1/json",
       {200, R"({"Id":"c1","Name":"/p-web-1","Config":"odd","State":{}})", {}}},
      {"GET /networks", {200, "[]", {}}},
  }));
  try {
    down(client, "p", {});
    FAIL() << "the failure to stop p-web-1 was not reported";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("taking the stack down failed: p-web-1: "),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace ollama_stack::compose
