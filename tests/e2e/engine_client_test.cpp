// The engine client against the real Docker Engine, with stand-in images.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "ollama_stack/engine/curl_transport.hpp"
#include "ollama_stack/engine/errors.hpp"
#include "support/harness.hpp"

namespace ollama_stack::e2e {
namespace {

using engine::EngineError;
using Kind = engine::EngineError::Kind;

class EngineClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_ENGINE();
    run_id_ = unique_name("osk-e2e-engine");
  }
  void TearDown() override {
    if (!run_id_.empty()) remove_labelled("ollama-stack.test", run_id_);
  }

  engine::Labels labels() const { return {{"ollama-stack.test", run_id_}}; }

  // A stand-in container of `role` with a label of this test; returns its id.
  std::string create_standin(const std::string& role, int host_port = 0,
                             const std::vector<std::string>& env = {}, bool tty = false) {
    nlohmann::json body{{"Image", standin_image(role)}, {"Labels", labels()}, {"Env", env}, {"Tty", tty},
                        {"StopTimeout", 5}};
    if (host_port != 0) {
      const std::string port = role == "ollama" ? "11434/tcp" : role == "webui" ? "8080/tcp" : "8000/tcp";
      body["ExposedPorts"] = {{port, nlohmann::json::object()}};
      body["HostConfig"]["PortBindings"] = {
          {port, {{{"HostIp", "127.0.0.1"}, {"HostPort", std::to_string(host_port)}}}}};
    }
    return test_engine().create_container(unique_name(run_id_), body);
  }

  bool log_contains(const std::string& id, const std::string& text, bool tty = false) {
    bool found = false;
    test_engine().logs(id, {}, tty, [&](engine::LogStream, std::string_view line) {
      if (line.find(text) != std::string_view::npos) found = true;
      return !found;
    });
    return found;
  }

  std::string run_id_;
};

TEST_F(EngineClientTest, PingVersionAndInfoDescribeTheEngine) {
  auto& engine = test_engine();
  auto ping = engine.ping();
  EXPECT_FALSE(ping.api_version.empty());
  EXPECT_EQ(ping.os_type, "linux");
  auto version = engine.version();
  EXPECT_FALSE(version.version.empty());
  EXPECT_GE(engine::compare_api_versions(engine.api_version(), engine::kMinApiVersion), 0);
  EXPECT_LE(engine::compare_api_versions(engine.api_version(), version.api_version), 0);
  auto info = engine.info();
  EXPECT_GT(info.ncpu, 0);
  EXPECT_GT(info.mem_total, 0);
  EXPECT_FALSE(info.runtimes.empty());
}

TEST_F(EngineClientTest, CreateStartLogsStatsStopRemoveAStandIn) {
  auto& engine = test_engine();
  const int port = free_port();
  const std::string id = create_standin("ollama", port);
  ASSERT_FALSE(id.empty());

  auto listed = engine.list_containers({{"label", {"ollama-stack.test=" + run_id_}}}, true);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, id);
  EXPECT_EQ(listed[0].state, "created");

  EXPECT_TRUE(engine.start_container(id));
  EXPECT_FALSE(engine.start_container(id)) << "a second start is a 304, reported as false";
  ASSERT_TRUE(wait_until([&] { return log_contains(id, "listening"); }, std::chrono::seconds(10)));

  auto inspected = engine.inspect_container(id);
  EXPECT_TRUE(inspected.state.running);
  EXPECT_EQ(inspected.labels.at("ollama-stack.test"), run_id_);
  bool published = false;
  for (const auto& binding : inspected.ports)
    if (binding.private_port == 11434 && binding.public_port == port) published = true;
  EXPECT_TRUE(published) << "port 11434 published on " << port;

  // The engine's exec reaches the service from inside the container (the image, like Ollama's,
  // has no curl: its own `ollama list` asks the server).
  auto probe = engine.exec(id, {"ollama", "list"});
  EXPECT_EQ(probe.exit_code, 0) << probe.out << probe.err;
  ASSERT_TRUE(wait_until([&] { return log_contains(id, "/api/tags"); }, std::chrono::seconds(5)));

  auto first = engine.stats_once(id);
  EXPECT_GT(first.memory_usage, 0u);
  EXPECT_GT(first.memory_limit, 0u);
  auto second = engine.stats_once(id);
  auto usage = engine::compute_usage(first, second);
  EXPECT_GE(usage.cpu_percent, 0.0);
  EXPECT_GT(usage.memory_used, 0u);

  EXPECT_TRUE(engine.stop_container(id, 5));
  EXPECT_FALSE(engine.stop_container(id, 5)) << "stopping a stopped container is a 304";
  auto stopped = engine.inspect_container(id);
  EXPECT_FALSE(stopped.state.running);
  EXPECT_EQ(stopped.state.status, "exited");

  engine.remove_container(id, false, true);
  EXPECT_FALSE(engine.find_container(id).has_value());
}

TEST_F(EngineClientTest, LogsOfATtyContainerAreRawAndOfOthersDemultiplexed) {
  auto& engine = test_engine();
  const std::string plain = create_standin("ollama", 0, {"STANDIN_CHATTY_LINES=10", "STANDIN_EXIT_AFTER_MS=200", "STANDIN_EXIT_CODE=0"});
  const std::string tty = create_standin("ollama", 0, {"STANDIN_CHATTY_LINES=10", "STANDIN_EXIT_AFTER_MS=200", "STANDIN_EXIT_CODE=0"}, true);
  for (const auto& id : {plain, tty}) engine.start_container(id);
  EXPECT_EQ(engine.wait_container(plain), 0);
  EXPECT_EQ(engine.wait_container(tty), 0);

  int out_lines = 0, err_lines = 0;
  engine.logs(plain, {}, false, [&](engine::LogStream stream, std::string_view) {
    (stream == engine::LogStream::stderr_ ? err_lines : out_lines)++;
    return true;
  });
  EXPECT_GT(out_lines, 0);
  EXPECT_GT(err_lines, 0) << "stderr frames are told apart from stdout";

  int tty_lines = 0;
  bool tty_stderr = false;
  engine.logs(tty, {}, true, [&](engine::LogStream stream, std::string_view) {
    tty_lines++;
    tty_stderr |= stream == engine::LogStream::stderr_;
    return true;
  });
  EXPECT_GE(tty_lines, 10);
  EXPECT_FALSE(tty_stderr) << "a TTY has one raw stream";

  engine::LogOptions tail;
  tail.tail = "3";
  int tail_lines = 0;
  engine.logs(plain, tail, false, [&](engine::LogStream, std::string_view) { return ++tail_lines, true; });
  EXPECT_EQ(tail_lines, 3);
}

TEST_F(EngineClientTest, WaitReturnsTheExitCodeAndKillStopsAtOnce) {
  auto& engine = test_engine();
  const std::string crashing = create_standin("ollama", 0, {"STANDIN_EXIT_AFTER_MS=100", "STANDIN_EXIT_CODE=3"});
  engine.start_container(crashing);
  EXPECT_EQ(engine.wait_container(crashing), 3);
  EXPECT_EQ(engine.inspect_container(crashing).state.exit_code, 3);

  const std::string running = create_standin("webui");
  engine.start_container(running);
  engine.kill_container(running, "SIGKILL");
  EXPECT_EQ(engine.wait_container(running), 137);
  try {
    engine.kill_container(running);
    FAIL() << "killing a stopped container must fail";
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), Kind::conflict);
  }
}

TEST_F(EngineClientTest, ErrorsAreTypedWithTheEnginesMessage) {
  auto& engine = test_engine();
  try {
    engine.inspect_container("osk-no-such-container-" + run_id_);
    FAIL();
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), Kind::not_found);
    EXPECT_EQ(error.http_status(), 404);
    EXPECT_NE(std::string(error.what()).find("No such container"), std::string::npos) << error.what();
  }
  const std::string name = unique_name(run_id_);
  nlohmann::json body{{"Image", standin_image("ollama")}, {"Labels", labels()}};
  engine.create_container(name, body);
  try {
    engine.create_container(name, body);
    FAIL();
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), Kind::conflict);
  }
  try {
    engine.create_container(unique_name(run_id_), {{"Image", "ollama-stack-standin/absent:none"}, {"Labels", labels()}});
    FAIL();
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), Kind::not_found);
  }
  EXPECT_FALSE(engine.inspect_image("ollama-stack-standin/absent:none").has_value());
  EXPECT_THROW(engine.pull_image("ollama-stack-standin/absent:none", nullptr), EngineError);
}

TEST_F(EngineClientTest, AnUnreachableEngineIsExitCode3WithThePath) {
  engine::Endpoint endpoint;
  endpoint.socket_path = "/nonexistent/" + run_id_ + ".sock";
  engine::Client client(std::make_unique<engine::CurlTransport>(endpoint));
  try {
    client.version();
    FAIL();
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), Kind::unreachable);
    EXPECT_EQ(error.code(), ExitCode::engine_unreachable);
    EXPECT_NE(std::string(error.what()).find(endpoint.socket_path), std::string::npos);
    EXPECT_FALSE(error.hint().empty());
  }
}

TEST_F(EngineClientTest, NetworksAndVolumesCarryLabelsAndAreFoundByThem) {
  auto& engine = test_engine();
  const std::string network = unique_name(run_id_);
  const std::string network_id = engine.create_network(network, "bridge", labels());
  EXPECT_FALSE(network_id.empty());
  try {
    engine.create_network(network, "bridge", labels());
    FAIL() << "a duplicate network name must be refused";
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), Kind::conflict);
  }
  auto networks = engine.list_networks({{"label", {"ollama-stack.test=" + run_id_}}});
  ASSERT_EQ(networks.size(), 1u);
  EXPECT_EQ(networks[0].name, network);
  EXPECT_EQ(engine.inspect_network(network)->labels.at("ollama-stack.test"), run_id_);

  const std::string volume = unique_name(run_id_);
  auto created = engine.create_volume(volume, "", labels());
  EXPECT_EQ(created.name, volume);
  auto volumes = engine.list_volumes({{"label", {"ollama-stack.test=" + run_id_}}});
  ASSERT_EQ(volumes.size(), 1u);
  EXPECT_EQ(engine.inspect_volume(volume)->labels.at("ollama-stack.test"), run_id_);

  // A container attached to the network under an alias, with the volume mounted.
  nlohmann::json body{{"Image", standin_image("ollama")}, {"Labels", labels()},
                      {"HostConfig", {{"NetworkMode", network},
                                      {"Mounts", {{{"Type", "volume"}, {"Source", volume}, {"Target", "/data"}}}}}},
                      {"NetworkingConfig", {{"EndpointsConfig", {{network, {{"Aliases", {"svc"}}}}}}}}};
  const std::string id = engine.create_container(unique_name(run_id_), body);
  auto inspected = engine.inspect_container(id);
  ASSERT_EQ(inspected.networks.size(), 1u);
  EXPECT_EQ(inspected.networks[0], network);
  try {
    engine.remove_volume(volume);
    FAIL() << "a volume in use cannot be removed";
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), Kind::conflict);
  }
  engine.remove_container(id, true, false);
  engine.remove_network(network);
  engine.remove_volume(volume);
  EXPECT_FALSE(engine.inspect_network(network).has_value());
  EXPECT_FALSE(engine.inspect_volume(volume).has_value());
}

TEST_F(EngineClientTest, ArchivesGoInAndComeOutOfAContainer) {
  auto& engine = test_engine();
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/in");
  std::ofstream(dir.path() + "/in/hello.txt") << "hello from the host\n";
  auto tar = run_program("/bin/tar", {"-C", dir.path() + "/in", "-cf", dir.path() + "/in.tar", "hello.txt"});
  ASSERT_EQ(tar.exit_code, 0) << tar.err;
  std::ifstream tar_file(dir.path() + "/in.tar", std::ios::binary);
  std::string tar_bytes((std::istreambuf_iterator<char>(tar_file)), std::istreambuf_iterator<char>());

  const std::string id = create_standin("ollama");
  engine.put_archive(id, "/tmp", tar_bytes);
  std::string out;
  engine.get_archive(id, "/tmp/hello.txt", [&](std::string_view bytes) { return out.append(bytes), true; });
  EXPECT_NE(out.find("hello from the host"), std::string::npos);
  EXPECT_NE(out.find("hello.txt"), std::string::npos);
  EXPECT_THROW(engine.get_archive(id, "/no/such/path", [](std::string_view) { return true; }), EngineError);
}

TEST_F(EngineClientTest, BuildsAnImageFromATarContextAndListsIt) {
  auto& engine = test_engine();
  TempDir dir;
  const std::string tag = "ollama-stack-standin/e2e-build:" + run_id_;
  std::ofstream(dir.path() + "/Dockerfile") << "FROM " << standin_image("ollama") << "\nLABEL ollama-stack.test=" << run_id_
                                            << "\nCOPY note.txt /note.txt\n";
  std::ofstream(dir.path() + "/note.txt") << "built\n";
  auto tar = run_program("/bin/tar", {"-C", dir.path(), "-cf", dir.path() + "/../" + run_id_ + ".tar", "Dockerfile", "note.txt"});
  ASSERT_EQ(tar.exit_code, 0) << tar.err;
  const std::string tar_path = dir.path() + "/../" + run_id_ + ".tar";
  std::ifstream tar_file(tar_path, std::ios::binary);
  std::string context((std::istreambuf_iterator<char>(tar_file)), std::istreambuf_iterator<char>());
  std::filesystem::remove(tar_path);

  int events = 0;
  auto id = engine.build_image(context, tag, "", {}, "", [&](const engine::ProgressEvent&) { ++events; });
  EXPECT_TRUE(id.starts_with("sha256:")) << id;
  EXPECT_GT(events, 0);
  auto image = engine.inspect_image(tag);
  ASSERT_TRUE(image.has_value());
  EXPECT_EQ(image->labels.at("ollama-stack.test"), run_id_);
  auto listed = engine.list_images({{"label", {"ollama-stack.test=" + run_id_}}});
  ASSERT_EQ(listed.size(), 1u);
  engine.remove_image(tag, true);
  EXPECT_FALSE(engine.inspect_image(tag).has_value());

  // A broken Dockerfile is reported with the engine's message, not as success.
  std::ofstream(dir.path() + "/Dockerfile", std::ios::trunc) << "FROM " << standin_image("ollama") << "\nRUN /no-such-program\n";
  auto bad = run_program("/bin/tar", {"-C", dir.path(), "-cf", tar_path, "Dockerfile"});
  std::ifstream bad_file(tar_path, std::ios::binary);
  std::string bad_context((std::istreambuf_iterator<char>(bad_file)), std::istreambuf_iterator<char>());
  std::filesystem::remove(tar_path);
  EXPECT_THROW(engine.build_image(bad_context, tag, "", {}, "", nullptr), EngineError);
}

TEST_F(EngineClientTest, EventsStreamReportsContainerActionsOfALabel) {
  auto& engine = test_engine();
  const auto since = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count() - 1;
  const std::string id = create_standin("ollama", 0, {"STANDIN_EXIT_AFTER_MS=50"});
  engine.start_container(id);
  engine.wait_container(id);
  std::vector<std::string> actions;
  engine.events({{"type", {"container"}}, {"label", {"ollama-stack.test=" + run_id_}}},
                [&](const engine::Event& event) {
                  actions.push_back(event.action);
                  return event.action != "die";
                },
                since, since + 60);
  ASSERT_GE(actions.size(), 3u);
  EXPECT_EQ(actions[0], "create");
  EXPECT_EQ(actions[1], "start");
  EXPECT_EQ(actions.back(), "die");
}

}  // namespace
}  // namespace ollama_stack::e2e
