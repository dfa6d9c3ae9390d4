#include "ollama_stack/stack/checks/checks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/labels.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::stack {
namespace {

using ollama_stack::testing::slurp;
using ollama_stack::testing::spit;
using ollama_stack::testing::TempDir;
using ::testing::HasSubstr;

const CheckResult& find(const std::vector<CheckResult>& results, const std::string& id) {
  for (const auto& result : results)
    if (result.id == id) return result;
  throw std::runtime_error("no check " + id);
}

TEST(CheckEngineApi, PassesFrom141AndFailsBelow) {
  auto ok = evaluate_engine_api({.version = "20.10.24", .api_version = "1.41"}, "1.41");
  EXPECT_EQ(ok.status, CheckStatus::pass);
  EXPECT_THAT(ok.message, HasSubstr("Docker 20.10.24, API 1.41"));
  auto old = evaluate_engine_api({.version = "19.03.1", .api_version = "1.40"}, "1.40");
  EXPECT_EQ(old.status, CheckStatus::fail);
  EXPECT_THAT(old.fix, HasSubstr("upgrade Docker"));
}

TEST(CheckSocket, MissingUnusableAndGoodSockets) {
  engine::Endpoint unix_socket;
  unix_socket.socket_path = "/run/docker.sock";
  EXPECT_EQ(evaluate_socket(unix_socket, std::nullopt).status, CheckStatus::fail);
  auto denied = evaluate_socket(unix_socket, SocketAccess{true, true, false});
  EXPECT_EQ(denied.status, CheckStatus::fail);
  EXPECT_THAT(denied.fix, HasSubstr("docker group"));
  EXPECT_EQ(evaluate_socket(unix_socket, SocketAccess{true, false, true}).status,
            CheckStatus::fail);
  EXPECT_EQ(evaluate_socket(unix_socket, SocketAccess{true, true, true}).status, CheckStatus::pass);

  engine::Endpoint tcp{.kind = engine::Endpoint::Kind::tcp, .host = "build", .port = 2375};
  EXPECT_EQ(evaluate_socket(tcp, std::nullopt).status, CheckStatus::warn);
  tcp.tls = true;
  EXPECT_EQ(evaluate_socket(tcp, std::nullopt).status, CheckStatus::skip);
}

TEST(CheckEndpointReason, SaysWhyTheEndpointWasChosen) {
  EXPECT_EQ(endpoint_reason({.source = "DOCKER_HOST"}), "chosen by DOCKER_HOST");
  EXPECT_EQ(endpoint_reason({.source = "--host"}), "chosen by --host");
  EXPECT_EQ(endpoint_reason({.source = "default"}),
            "the default socket: no --host, DOCKER_HOST or Docker context");
  engine::Endpoint by_env{
      .source = "context", .context = "gpu", .context_origin = "DOCKER_CONTEXT"};
  EXPECT_EQ(endpoint_reason(by_env), "chosen by the Docker context \"gpu\" (DOCKER_CONTEXT)");
  engine::Endpoint by_config{
      .source = "context", .context = "gpu", .context_origin = "/h/.docker/config.json"};
  EXPECT_EQ(endpoint_reason(by_config),
            "chosen by the Docker context \"gpu\" (currentContext in /h/.docker/config.json)");
}

TEST(CheckEndpoint, NamesTheUrlAndTheReason) {
  engine::Endpoint tcp{.kind = engine::Endpoint::Kind::tcp,
                       .host = "gpu-box",
                       .port = 2376,
                       .source = "DOCKER_HOST"};
  const auto line = evaluate_endpoint(tcp);
  EXPECT_EQ(line.id, "endpoint");
  EXPECT_EQ(line.name, "engine endpoint");
  EXPECT_EQ(line.status, CheckStatus::pass);
  EXPECT_EQ(line.message, "tcp://gpu-box:2376, chosen by DOCKER_HOST");
}

TEST(CheckRemotePorts, WarnsWhenARemoteEngineBindsToItsLoopback) {
  const std::vector<PublishedPort> loopback{{"webui", "127.0.0.1", 8080, "tcp"},
                                            {"ollama", "", 11434, "tcp"}};
  EXPECT_EQ(evaluate_remote_ports("unix:///var/run/docker.sock", loopback).status,
            CheckStatus::skip);
  EXPECT_EQ(evaluate_remote_ports("tcp://127.0.0.1:2375", loopback).status, CheckStatus::skip);
  const auto remote = evaluate_remote_ports("ssh://me@gpu-box", loopback);
  EXPECT_EQ(remote.status, CheckStatus::warn);
  EXPECT_THAT(remote.message, HasSubstr("gpu-box"));
  EXPECT_THAT(remote.message, HasSubstr("127.0.0.1:8080 (webui)"));
  EXPECT_THAT(remote.message, ::testing::Not(HasSubstr("11434")));
  EXPECT_THAT(remote.fix, HasSubstr("BIND_ADDRESS"));
  const std::vector<PublishedPort> open{{"webui", "0.0.0.0", 8080, "tcp"}};
  EXPECT_EQ(evaluate_remote_ports("tcp://gpu-box:2376", open).status, CheckStatus::pass);
}

TEST(CheckSocket, SkipsForAnSshEngine) {
  engine::Endpoint ssh{.kind = engine::Endpoint::Kind::ssh, .host = "gpu-box"};
  EXPECT_EQ(evaluate_socket(ssh, std::nullopt).status, CheckStatus::skip);
}

TEST(CheckDiskSpace, WarnsBelowTenGibAndFailsBelowTwo) {
  EXPECT_EQ(evaluate_disk_space("/var/lib/docker", 50ULL << 30).status, CheckStatus::pass);
  EXPECT_EQ(evaluate_disk_space("/var/lib/docker", 9ULL << 30).status, CheckStatus::warn);
  auto low = evaluate_disk_space("/var/lib/docker", 1ULL << 30);
  EXPECT_EQ(low.status, CheckStatus::fail);
  EXPECT_THAT(low.message, HasSubstr("1.0 GiB free in /var/lib/docker"));
  EXPECT_EQ(evaluate_disk_space("/var/lib/docker", std::nullopt).status, CheckStatus::skip);
}

PlatformFacts facts_here(LocalFacts local) {
  PlatformFacts facts;
  facts.client_os = "linux";
  facts.client_host = "box";
  facts.endpoint = "unix:///var/run/docker.sock";
  facts.endpoint_local = true;
  facts.engine = EngineFacts{.os_type = "linux", .architecture = "x86_64", .name = "box"};
  facts.local = std::move(local);
  return facts;
}

TEST(CheckNvidia, GpuWithoutToolkitFailsWithTheToolkitFix) {
  auto facts = facts_here({.nvidia_driver = "/proc/driver/nvidia/version"});
  auto missing = evaluate_nvidia(facts, decide_platform(facts));
  EXPECT_EQ(missing.status, CheckStatus::fail);
  EXPECT_THAT(missing.fix, HasSubstr("nvidia-container-toolkit"));
  facts.engine->runtimes = {"runc", "nvidia"};
  EXPECT_EQ(evaluate_nvidia(facts, decide_platform(facts)).status, CheckStatus::pass);
}

TEST(CheckNvidia, NoGpuIsSkippedUnlessNvidiaWasAskedFor) {
  auto facts = facts_here({});
  EXPECT_EQ(evaluate_nvidia(facts, decide_platform(facts)).status, CheckStatus::skip);
  auto asked = evaluate_nvidia(facts, choose_platform(Platform::nvidia, facts));
  EXPECT_EQ(asked.status, CheckStatus::fail);
  EXPECT_THAT(asked.fix, HasSubstr("nvidia-smi"));
}

TEST(CheckNvidia, RemoteEngineWithoutNvidiaHintsWarns) {
  auto facts = facts_here({});
  facts.local.reset();
  facts.engine->name = "gpu-box";
  EXPECT_EQ(evaluate_nvidia(facts, choose_platform(Platform::nvidia, facts)).status,
            CheckStatus::warn);
  facts.engine->runtimes = {"nvidia"};
  EXPECT_EQ(evaluate_nvidia(facts, decide_platform(facts)).status, CheckStatus::pass);
}

TEST(CheckPlatform, SaysWhatWasChosenAndWarnsWithTheDecisionsWarning) {
  auto facts = facts_here({.nvidia_driver = "nvidia-smi"});
  auto fallback = evaluate_platform(decide_platform(facts));
  EXPECT_EQ(fallback.status, CheckStatus::warn);
  EXPECT_THAT(fallback.message, HasSubstr("cpu (NVIDIA driver found"));
  EXPECT_THAT(fallback.fix, HasSubstr("NVIDIA Container Toolkit"));
  EXPECT_EQ(evaluate_platform(choose_platform(Platform::amd, facts)).message,
            "amd (chosen with --platform)");
}

TEST(CheckAmd, MissingDeviceFailsAndAWrongGroupWarns) {
  auto none = facts_here({});
  auto amd = choose_platform(Platform::amd, none);
  auto missing = evaluate_amd(none, amd, std::nullopt);
  EXPECT_EQ(missing.status, CheckStatus::fail);
  EXPECT_THAT(missing.message, HasSubstr("/dev/kfd"));
  EXPECT_THAT(missing.fix, HasSubstr("amdgpu-dkms"));
  auto no_dri = facts_here({.amd_kfd = true, .kfd_gid = 993u});
  EXPECT_THAT(evaluate_amd(no_dri, amd, 993u).message, HasSubstr("/dev/dri"));
  auto full = facts_here({.amd_kfd = true, .amd_dri = true, .kfd_gid = 993u});
  auto good = evaluate_amd(full, decide_platform(full), 993u);
  EXPECT_EQ(good.status, CheckStatus::pass);
  EXPECT_THAT(good.message, HasSubstr("video and group 993"));
  auto wrong = evaluate_amd(full, decide_platform(full), 44u);
  EXPECT_EQ(wrong.status, CheckStatus::warn);
  EXPECT_THAT(wrong.fix, HasSubstr("RENDER_GID=993"));
  EXPECT_EQ(evaluate_amd(full, choose_platform(Platform::cpu, full), 993u).status,
            CheckStatus::skip);
}

TEST(CheckAmd, RemoteEngineWithoutRenderGidWarnsHowToSetIt) {
  auto facts = facts_here({});
  facts.local.reset();
  auto amd = choose_platform(Platform::amd, facts);
  auto unknown = evaluate_amd(facts, amd, std::nullopt);
  EXPECT_EQ(unknown.status, CheckStatus::warn);
  EXPECT_THAT(unknown.fix, HasSubstr("RENDER_GID"));
  EXPECT_EQ(evaluate_amd(facts, amd, 110u).status, CheckStatus::pass);
}

TEST(CheckNativeOllama, OnlyOnAppleAndOnlyA2xxPasses) {
  EXPECT_EQ(evaluate_native_ollama(Platform::cpu, std::nullopt, "").status, CheckStatus::skip);
  EXPECT_EQ(evaluate_native_ollama(Platform::apple, 200, "").status, CheckStatus::pass);
  auto down = evaluate_native_ollama(Platform::apple, std::nullopt, "Connection refused");
  EXPECT_EQ(down.status, CheckStatus::fail);
  EXPECT_THAT(down.fix, HasSubstr("ollama serve"));
}

TEST(CheckPorts, FreeOursAndTakenPorts) {
  PublishedPort port{"webui", "127.0.0.1", 8080, "tcp"};
  auto free = evaluate_port(port, PortAssessment{port, PortState::free, ""});
  EXPECT_EQ(free.status, CheckStatus::pass);
  EXPECT_EQ(free.id, "port.webui");
  EXPECT_EQ(free.name, "port 8080 (webui)");
  EXPECT_EQ(evaluate_port(port, PortAssessment{port, PortState::ours, ""}).status,
            CheckStatus::pass);
  auto taken = evaluate_port(
      port, PortAssessment{port, PortState::taken, "pid 7 (nc) listening on 0.0.0.0"});
  EXPECT_EQ(taken.status, CheckStatus::fail);
  EXPECT_THAT(taken.message, HasSubstr("port 8080"));
  EXPECT_THAT(taken.message, HasSubstr("pid 7 (nc)"));
  EXPECT_THAT(taken.fix, HasSubstr("WEBUI_PORT"));
  EXPECT_EQ(evaluate_port(port, std::nullopt, "no engine").status, CheckStatus::skip);
  EXPECT_EQ(port_check_id(port, 1), "port.webui.1");
}

TEST(PortConflicts, AddressesOverlapWhenEitherIsAWildcard) {
  EXPECT_TRUE(addresses_overlap("", "127.0.0.1"));
  EXPECT_TRUE(addresses_overlap("127.0.0.1", "0.0.0.0"));
  EXPECT_TRUE(addresses_overlap("::", "127.0.0.1"));
  EXPECT_TRUE(addresses_overlap("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(addresses_overlap("127.0.0.1", "127.0.0.2"));
}

TEST(PortConflicts, ContainersOfOtherProjectsHoldThePortOursDoNot) {
  engine::ContainerSummary ours{.name = "stack-webui-1",
                                .labels = {{labels::kProject, "stack"}},
                                .ports = {{"127.0.0.1", 8080, 8080, "tcp"}}};
  engine::ContainerSummary other{.name = "web", .ports = {{"0.0.0.0", 80, 8080, "tcp"}}};
  engine::ContainerSummary elsewhere{.name = "api", .ports = {{"127.0.0.2", 80, 8080, "tcp"}}};
  PublishedPort port{"webui", "127.0.0.1", 8080, "tcp"};
  EXPECT_THAT(containers_holding({ours, other, elsewhere}, "stack", port),
              ::testing::ElementsAre("container web"));
  EXPECT_TRUE(containers_holding({ours}, "stack", port).empty());
}

TEST(PortConflicts, PublishedPortsLeaveOutEphemeralOnes) {
  compose::Project project;
  project.services["ollama"].ports = {{.host_ip = "127.0.0.1", .published = 11434, .target = 11434},
                                      {.ephemeral = true, .target = 9000}};
  auto ports = published_ports(project);
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_EQ(ports[0].port, 11434);
  EXPECT_EQ(ports[0].service, "ollama");
}

TEST(PortConflicts, MessageNamesPortServiceAndOwner) {
  PortConflict conflict{8080, "127.0.0.1", "webui", "pid 42 (python3) listening on 0.0.0.0"};
  EXPECT_EQ(
      conflict.message(),
      "port 127.0.0.1:8080 (webui) is already in use by pid 42 (python3) listening on 0.0.0.0");
}

TEST(PortConflicts, OnlyLocalEnginesAllowABindTest) {
  EXPECT_TRUE(engine_is_local("unix:///var/run/docker.sock"));
  EXPECT_TRUE(engine_is_local("tcp://127.0.0.1:2375"));
  EXPECT_FALSE(engine_is_local("tcp://build-host:2376"));
}

TEST(CheckRemote, BindMountsOfThisMachineWarnOnARemoteEngine) {
  compose::Project project;
  compose::Service webui;
  webui.name = "webui";
  webui.volumes = {{compose::Mount::Type::volume, "webui_data", "/app/backend/data", false}};
  project.services["webui"] = webui;
  EXPECT_EQ(evaluate_remote_binds("ssh://me@gpu-box", project).status, CheckStatus::pass);
  project.services["webui"].volumes.push_back(
      {compose::Mount::Type::bind, "/home/me/docs", "/docs", true});
  EXPECT_EQ(evaluate_remote_binds("unix:///var/run/docker.sock", project).status,
            CheckStatus::skip);
  const auto remote = evaluate_remote_binds("ssh://me@gpu-box", project);
  EXPECT_EQ(remote.status, CheckStatus::warn);
  EXPECT_THAT(remote.message, ::testing::HasSubstr("/home/me/docs (webui)"));
  EXPECT_THAT(remote.message, ::testing::HasSubstr("gpu-box"));
  EXPECT_FALSE(remote.fix.empty());
}

TEST(CheckProbe, ExitCodesAndMissingExecutables) {
  EXPECT_EQ(classify_probe({0, "probe -> 200", ""}), ProbeOutcome::reached);
  EXPECT_EQ(
      classify_probe(
          {126, "OCI runtime exec failed: exec: \"curl\": executable file not found in $PATH", ""}),
      ProbeOutcome::missing);
  EXPECT_EQ(classify_probe({127, "", ""}), ProbeOutcome::missing);
  EXPECT_EQ(classify_probe({7, "", "curl: (7) Failed to connect"}), ProbeOutcome::failed);
  EXPECT_EQ(reachability_probes("http://ollama:11434/api/version").front().front(),
            "curl");  // Open WebUI's image has it
}

TEST(CheckHome, AFreshHomeFailsAndEnsureHomeMakesItPass) {
  TempDir dir;
  HomeLayout home{dir / "home"};
  auto before = check_home_files(home);
  EXPECT_EQ(find(before, "home").status, CheckStatus::fail);
  EXPECT_EQ(find(before, "env_file").status, CheckStatus::fail);
  EXPECT_EQ(find(before, "mcp_config").status, CheckStatus::fail);
  EXPECT_EQ(find(before, "state_file").status, CheckStatus::pass);  // defaults apply
  CheckReport report;
  apply_safe_fixes(home, report);
  EXPECT_FALSE(report.fixed.empty());
  for (const auto& check : check_home_files(home))
    EXPECT_EQ(check.status, CheckStatus::pass) << check.message;
}

TEST(CheckHome, ACorruptStateFileFailsWithPathAndLineAndIsNotTouched) {
  TempDir dir;
  HomeLayout home{dir.path()};
  ensure_home(home.root);
  const std::string corrupt = "{\n  \"schema_version\": 1,\n  \"platform\": nope\n}\n";
  spit(home.state_file(), corrupt);
  const auto entries_before = dir.entries();
  auto state = find(check_home_files(home), "state_file");
  EXPECT_EQ(state.status, CheckStatus::fail);
  EXPECT_THAT(state.message, HasSubstr(home.state_file().string() + ":3"));
  EXPECT_EQ(slurp(home.state_file()), corrupt);
  EXPECT_EQ(dir.entries(), entries_before);  // no copy made aside: check only looks
}

TEST(CheckHome, AnEnvFileWithoutSecretFails) {
  TempDir dir;
  HomeLayout home{dir.path()};
  ensure_home(home.root);
  spit(home.env_file(), "PROJECT_NAME=x\n");
  auto env = find(check_home_files(home), "env_file");
  EXPECT_EQ(env.status, CheckStatus::fail);
  EXPECT_THAT(env.message, HasSubstr("WEBUI_SECRET_KEY"));
}

TEST(CheckReport, OkOnlyWithoutFailuresAndWithTheEngine) {
  CheckReport report;
  report.checks = {{"a", "a", CheckStatus::pass, "", ""},
                   {"b", "b", CheckStatus::warn, "", ""},
                   {"c", "c", CheckStatus::skip, "", ""}};
  EXPECT_TRUE(report.ok());
  report.checks.push_back({"d", "d", CheckStatus::fail, "", ""});
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.failures().size(), 1u);
  report.checks.pop_back();
  report.engine_reachable = false;
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(to_string(CheckStatus::warn), "warn");
}

}  // namespace
}  // namespace ollama_stack::stack
