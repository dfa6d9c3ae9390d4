// The fleet on two real engines: the core on the first, a backend Ollama on a second dockerd (its
// own namespaces, reached over tcp like another machine, tests/e2e/support/second_engine.hpp),
// both behind the core's one Open WebUI through OLLAMA_BASE_URLS.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/stack/labels.hpp"
#include "ollama_stack/stack/service_http.hpp"
#include "support/harness.hpp"
#include "support/second_engine.hpp"

namespace ollama_stack::e2e {
namespace {

namespace labels = stack::labels;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class BackendsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!SecondEngine::available(nullptr) || !engine_available(nullptr)) return;
    try {
      SecondEngineOptions options;
      options.host_name = "fleet-box";
      options.nvidia = false;
      box_ = new SecondEngine(options);
      box_->load_image(standin_image("ollama"));
    } catch (const std::exception& error) {
      delete box_;
      box_ = nullptr;
      box_error_ = error.what();
    }
  }
  static void TearDownTestSuite() { stop_box(); }
  static void stop_box() {
    delete box_;
    box_ = nullptr;
  }

  void SetUp() override {
    REQUIRE_ENGINE();
    REQUIRE_SECOND_ENGINE();
    ASSERT_NE(box_, nullptr) << "the second engine did not start: " << box_error_;
    project_ = unique_name("osk-e2e-fleet");
    env_ = standin_stack_env(project_);
    env_["OLLAMA_STACK_HOME"] = home_.path();
    // Images of its own (tags of the stand-ins) on both engines, so `uninstall` removing the
    // installation's images never touches the stand-in tags other tests use.
    for (const auto& [role, variable] : {std::pair{"ollama", "OLLAMA_IMAGE"},
                                         {"webui", "WEBUI_IMAGE"},
                                         {"mcpo", "MCP_PROXY_IMAGE"}}) {
      test_engine().tag_image(standin_image(role), own_image(role));
      env_[variable] = own_image(role);
    }
    box_->client().tag_image(standin_image("ollama"), own_image("ollama"));
    backend_port_ = free_port();
    ASSERT_EQ(cli({"install"}).exit_code, 0);
  }

  void TearDown() override {
    if (project_.empty()) return;
    cli({"uninstall", "--all", "--force"});
    remove_labelled(labels::kInstallation, project_);
    for (const auto* role : {"ollama", "webui", "mcpo"}) {
      try {
        test_engine().remove_image(own_image(role), false);
      } catch (const std::exception&) {
        // removed by the uninstall already
      }
    }
  }

  std::string own_image(const std::string& role) const { return project_ + "/" + role + ":test"; }

  RunResult cli(const std::vector<std::string>& args) {
    RunOptions options;
    options.env = env_;
    options.unset_env = {"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"};
    options.timeout = std::chrono::seconds(120);
    return run_cli(args, options);
  }

  std::string backend_url() const {
    return "http://" + box_->address() + ":" + std::to_string(backend_port_);
  }

  RunResult add_b2() {
    return cli(
        {"backends", "add", "b2", "--host", box_->host(), "--port", std::to_string(backend_port_)});
  }

  // The core's running webui container on the first engine.
  std::string webui_id() {
    const auto containers =
        test_engine().list_containers({{"label",
                                        {std::string(labels::kProject) + "=" + project_,
                                         std::string(labels::kService) + "=webui"}}},
                                      false);
    return containers.size() == 1 ? containers.front().id : "";
  }

  // OLLAMA_BASE_URLS in the webui container's environment, split at ';' ({} when unset).
  std::vector<std::string> webui_ollama_urls() {
    std::vector<std::string> urls;
    for (const auto& text : test_engine().inspect_container(webui_id()).env) {
      if (!text.starts_with("OLLAMA_BASE_URLS=")) continue;
      std::string rest = text.substr(17);
      for (size_t start = 0; start <= rest.size();) {
        const size_t end = std::min(rest.find(';', start), rest.size());
        urls.push_back(rest.substr(start, end - start));
        start = end + 1;
      }
    }
    return urls;
  }

  // What the WebUI stand-in itself uses (its effective OLLAMA_BASE_URLS).
  nlohmann::json webui_ollama_config() {
    auto answer =
        stack::http_request("http://127.0.0.1:" + env_.at("WEBUI_PORT") + "/ollama/config", {});
    EXPECT_EQ(answer.status, 200) << answer.error << answer.body;
    return nlohmann::json::parse(answer.body, nullptr, false);
  }

  // Labelled resources of this installation left on an engine.
  static size_t leftovers(engine::Client& client, const std::string& project) {
    const engine::Filters mine{{"label", {std::string(labels::kInstallation) + "=" + project}}};
    return client.list_containers(mine, true).size() + client.list_networks(mine).size() +
           client.list_volumes(mine).size();
  }

  static SecondEngine* box_;
  static std::string box_error_;
  TempDir home_;
  std::string project_;
  int backend_port_ = 0;
  std::map<std::string, std::string> env_;
};

SecondEngine* BackendsTest::box_ = nullptr;
std::string BackendsTest::box_error_;

TEST_F(BackendsTest, OneWebuiServesBothEnginesPullsLandOnBothAndUninstallCleansBoth) {
  auto add = add_b2();
  ASSERT_EQ(add.exit_code, 0) << add.err << add.out;
  EXPECT_THAT(add.err, HasSubstr("no authentication"));  // it listens on 0.0.0.0 of its host
  auto list = cli({"backends", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto listed = nlohmann::json::parse(list.out)["backends"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["name"], "b2");
  EXPECT_EQ(listed[0]["url"], backend_url());
  EXPECT_EQ(listed[0]["in_webui"], false);

  auto start = cli({"start", "--json"});
  ASSERT_EQ(start.exit_code, 0) << start.err << start.out << box_->log_tail();
  const auto started = nlohmann::json::parse(start.out);
  ASSERT_EQ(started["backends"].size(), 1u) << start.out;
  EXPECT_EQ(started["backends"][0]["state"], "healthy") << start.out;

  // Open WebUI's container names both Ollamas, and each answers from inside it.
  const auto urls = webui_ollama_urls();
  ASSERT_THAT(urls, ElementsAre("http://ollama:11434", backend_url()));
  for (const auto& url : urls) {
    auto answer = test_engine().exec(webui_id(), {"curl", "-fsS", "-m", "5", url + "/api/version"});
    EXPECT_EQ(answer.exit_code, 0) << url << ": " << answer.err << answer.out;
    EXPECT_THAT(answer.out, HasSubstr("version")) << url;
  }
  EXPECT_EQ(webui_ollama_config()["OLLAMA_BASE_URLS"], nlohmann::json(urls));

  // A second start changes nothing: the list is the same, Open WebUI is not recreated.
  const auto webui_before = webui_id();
  auto again = cli({"start", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(webui_id(), webui_before);

  // A pull lands on the core's Ollama and on the backend.
  auto pull = cli({"models", "pull", "standin-tiny"});
  ASSERT_EQ(pull.exit_code, 0) << pull.err << pull.out;
  auto on = [&](const std::string& url) {
    auto answer = stack::http_request(url + "/api/tags", {});
    return answer.body;
  };
  EXPECT_THAT(on("http://127.0.0.1:" + env_.at("OLLAMA_PORT")), HasSubstr("standin-tiny:latest"));
  EXPECT_THAT(on(backend_url()), HasSubstr("standin-tiny:latest"));
  // Open WebUI sees the model on both servers (its merged list names both indexes).
  auto merged =
      stack::http_request("http://127.0.0.1:" + env_.at("WEBUI_PORT") + "/ollama/api/tags", {});
  const auto models = nlohmann::json::parse(merged.body)["models"];
  ASSERT_EQ(models.size(), 1u) << merged.body;
  EXPECT_EQ(models[0]["urls"], nlohmann::json::parse("[0, 1]"));

  // status shows the backend, healthy, holding the model.
  auto status = cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err << status.out;
  const auto backends = nlohmann::json::parse(status.out)["backends"];
  ASSERT_EQ(backends.size(), 1u);
  EXPECT_EQ(backends[0]["name"], "b2");
  EXPECT_EQ(backends[0]["engine"], box_->host());
  EXPECT_EQ(backends[0]["engine_reachable"], true);
  EXPECT_EQ(backends[0]["state"], "running");
  EXPECT_EQ(backends[0]["health"], "healthy");
  EXPECT_EQ(backends[0]["in_webui"], true);
  EXPECT_THAT(backends[0]["models"].get<std::vector<std::string>>(),
              ElementsAre("standin-tiny:latest"));

  // models list names the Ollama that holds each model: the core first, then b2.
  auto models_list = cli({"models", "list", "--json"});
  ASSERT_EQ(models_list.exit_code, 0) << models_list.err << models_list.out;
  const auto held = nlohmann::json::parse(models_list.out);
  ASSERT_EQ(held["models"].size(), 2u) << models_list.out;
  EXPECT_EQ(held["models"][0]["backend"], "core");
  EXPECT_EQ(held["models"][1]["backend"], "b2");
  for (const auto& model : held["models"]) EXPECT_EQ(model["name"], "standin-tiny:latest");
  ASSERT_EQ(held["targets"].size(), 2u);
  EXPECT_EQ(held["targets"][1]["endpoint"], backend_url());
  EXPECT_EQ(held["targets"][1]["ok"], true);
  auto table = cli({"models", "list", "--backend", "b2"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("BACKEND"));
  EXPECT_THAT(table.out, HasSubstr("b2"));
  EXPECT_THAT(table.out, ::testing::Not(HasSubstr("core")));

  // Loaded on b2 only; then unloaded there.
  auto load = cli({"models", "load", "standin-tiny", "--backend", "b2", "--json"});
  ASSERT_EQ(load.exit_code, 0) << load.err << load.out;
  const auto loaded = nlohmann::json::parse(load.out);
  ASSERT_EQ(loaded["targets"].size(), 1u) << load.out;
  EXPECT_EQ(loaded["targets"][0]["backend"], "b2");
  EXPECT_EQ(loaded["targets"][0]["model"]["name"], "standin-tiny:latest");
  std::string ps_out;
  auto loaded_where = [&] {
    auto ps = cli({"models", "ps", "--json"});
    EXPECT_EQ(ps.exit_code, 0) << ps.err << ps.out;
    ps_out = ps.out;
    std::vector<std::string> where;
    const auto document = nlohmann::json::parse(ps.out);  // alive for the loop below
    for (const auto& model : document["models"])
      where.push_back(model["backend"].get<std::string>() + "/" + model["name"].get<std::string>());
    return where;
  };
  EXPECT_THAT(loaded_where(), ElementsAre("b2/standin-tiny:latest")) << ps_out;
  auto unload = cli({"models", "unload", "--all", "--backend", "b2", "--json"});
  ASSERT_EQ(unload.exit_code, 0) << unload.err << unload.out;
  const auto unloaded = nlohmann::json::parse(unload.out);
  ASSERT_EQ(unloaded["targets"].size(), 1u) << unload.out;
  EXPECT_EQ(unloaded["targets"][0]["unloaded"],
            nlohmann::json::parse(R"(["standin-tiny:latest"])"));
  EXPECT_TRUE(loaded_where().empty()) << ps_out;

  // uninstall --all removes the installation on both engines.
  auto uninstall = cli({"uninstall", "--all", "--force"});
  ASSERT_EQ(uninstall.exit_code, 0) << uninstall.err << uninstall.out;
  EXPECT_EQ(leftovers(test_engine(), project_), 0u);
  EXPECT_EQ(leftovers(box_->client(), project_), 0u);
  EXPECT_FALSE(box_->client().inspect_image(own_image("ollama"))) << "the backend's image there";
  EXPECT_TRUE(box_->client().inspect_image(standin_image("ollama"))) << "not the installation's";
}

TEST_F(BackendsTest, AnUnreachableBackendIsNamedLeftOutAndRemovable) {
  ASSERT_EQ(add_b2().exit_code, 0);
  auto start = cli({"start"});
  ASSERT_EQ(start.exit_code, 0) << start.err << start.out;
  ASSERT_EQ(webui_ollama_urls().size(), 2u);

  // The second engine goes away (its dockerd stopped, its address gone); its slot stays held, so
  // a parallel test's engine cannot answer at that address.
  box_->shut_down();

  auto status = cli({"status", "--json"});
  EXPECT_EQ(status.exit_code, 4) << status.err << status.out;
  const auto document = nlohmann::json::parse(status.out);
  EXPECT_EQ(document["healthy"], true);  // the core is fine
  EXPECT_EQ(document["backends"][0]["engine_reachable"], false);
  EXPECT_EQ(document["backends"][0]["state"], "engine unreachable");

  // models list still lists the core's models, names b2 in a warning and exits 4.
  auto models_list = cli({"models", "list", "--json"});
  EXPECT_EQ(models_list.exit_code, 4) << models_list.err << models_list.out;
  EXPECT_THAT(models_list.err, HasSubstr("backend b2"));
  const auto listed = nlohmann::json::parse(models_list.out);
  ASSERT_EQ(listed["targets"].size(), 2u) << models_list.out;
  EXPECT_EQ(listed["targets"][0]["ok"], true);
  EXPECT_EQ(listed["targets"][1]["ok"], false);

  auto again = cli({"start"});
  EXPECT_EQ(again.exit_code, 4) << again.err << again.out;
  EXPECT_THAT(again.err, HasSubstr("backend b2"));
  EXPECT_THAT(again.err, HasSubstr("unreachable"));
  // Open WebUI now uses the core's Ollama alone, and it is healthy.
  EXPECT_TRUE(webui_ollama_urls().empty());
  EXPECT_EQ(webui_ollama_config()["OLLAMA_BASE_URLS"],
            nlohmann::json::parse(R"(["http://ollama:11434"])"));

  auto rm = cli({"backends", "rm", "b2"});
  EXPECT_EQ(rm.exit_code, 0) << rm.err << rm.out;
  EXPECT_THAT(rm.err, HasSubstr("could not be reached"));
  auto list = cli({"backends", "list", "--json"});
  EXPECT_TRUE(nlohmann::json::parse(list.out)["backends"].empty());
  auto healthy = cli({"status"});
  EXPECT_EQ(healthy.exit_code, 0) << healthy.err << healthy.out;
}

}  // namespace
}  // namespace ollama_stack::e2e
