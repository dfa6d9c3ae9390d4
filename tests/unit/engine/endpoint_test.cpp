// Endpoint resolution with the Docker CLI's contexts: --host > DOCKER_HOST > DOCKER_CONTEXT >
// config.json's currentContext > the default socket, read from a context store in a temp dir.
#include "ollama_stack/engine/endpoint.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "ollama_stack/engine/docker_context.hpp"
#include "ollama_stack/engine/ssh_tunnel.hpp"
#include "ollama_stack/util/error.hpp"
#include "util/temp_dir.hpp"

namespace ollama_stack::engine {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values](std::string_view name) -> std::optional<std::string> {
    auto found = values.find(std::string(name));
    return found == values.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
}

class DockerContextStore : public ::testing::Test {
 protected:
  // Writes a context the way `docker context create NAME --docker host=HOST` stores it.
  void add_context(const std::string& name, const std::string& host, bool skip_tls_verify = false) {
    const auto dir = config_ / "contexts" / "meta" / context_directory_name(name);
    fs::create_directories(dir);
    ollama_stack::testing::spit(
        dir / "meta.json",
        R"({"Name":")" + name + R"(","Metadata":{},"Endpoints":{"docker":{"Host":")" + host +
            R"(","SkipTLSVerify":)" + (skip_tls_verify ? "true" : "false") + "}}}");
  }
  void add_tls(const std::string& name) {
    const auto dir = config_ / "contexts" / "tls" / context_directory_name(name) / "docker";
    fs::create_directories(dir);
    for (const char* file : {"ca.pem", "cert.pem", "key.pem"})
      ollama_stack::testing::spit(dir / file, "pem");
  }
  void use(const std::string& name) {
    fs::create_directories(config_);
    ollama_stack::testing::spit(config_ / "config.json",
                                R"({"auths": {}, "currentContext": ")" + name + "\"}");
  }
  Endpoint resolve(std::map<std::string, std::string> env, const std::string& flag = "") {
    return resolve_endpoint(flag, env_of(std::move(env)), config_.string());
  }

  ollama_stack::testing::TempDir temp_;
  fs::path config_ = temp_.path() / "docker-config";
};

TEST(DockerContextName, IsTheSha256OfTheName) {
  // What `docker context create foo` names its directory (checked with the real docker CLI).
  EXPECT_EQ(context_directory_name("foo"),
            "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
}

TEST_F(DockerContextStore, NoConfigMeansTheDefaultSocket) {
  const auto endpoint = resolve({});
  EXPECT_EQ(endpoint.url(), "unix:///var/run/docker.sock");
  EXPECT_EQ(endpoint.source, "default");
  EXPECT_EQ(endpoint.describe_source(), "default");
}

TEST_F(DockerContextStore, CurrentContextFromConfigJsonIsHonoured) {
  add_context("remote", "unix:///run/remote.sock");
  use("remote");
  const auto endpoint = resolve({});
  EXPECT_EQ(endpoint.url(), "unix:///run/remote.sock");
  EXPECT_EQ(endpoint.source, "context");
  EXPECT_EQ(endpoint.context, "remote");
  EXPECT_EQ(endpoint.context_origin, (config_ / "config.json").string());
  EXPECT_EQ(endpoint.describe_source(), "context \"remote\"");
}

TEST_F(DockerContextStore, DockerContextBeatsConfigAndDockerHostBeatsBoth) {
  add_context("remote", "unix:///run/remote.sock");
  add_context("other", "tcp://10.1.2.3:2375");
  use("remote");
  auto endpoint = resolve({{"DOCKER_CONTEXT", "other"}});
  EXPECT_EQ(endpoint.url(), "tcp://10.1.2.3:2375");
  EXPECT_EQ(endpoint.context_origin, "DOCKER_CONTEXT");
  EXPECT_EQ(endpoint.http_base(), "http://10.1.2.3:2375");  // no TLS material: plain http

  endpoint = resolve({{"DOCKER_CONTEXT", "other"}, {"DOCKER_HOST", "unix:///run/env.sock"}});
  EXPECT_EQ(endpoint.url(), "unix:///run/env.sock");
  EXPECT_EQ(endpoint.source, "DOCKER_HOST");

  endpoint = resolve({{"DOCKER_HOST", "unix:///run/env.sock"}}, "tcp://flag:2375");
  EXPECT_EQ(endpoint.source, "--host");
}

TEST_F(DockerContextStore, TheDefaultContextMeansNoContext) {
  add_context("remote", "unix:///run/remote.sock");
  use("default");
  EXPECT_EQ(resolve({}).source, "default");
  use("remote");
  EXPECT_EQ(resolve({{"DOCKER_CONTEXT", "default"}}).source, "default");
}

TEST_F(DockerContextStore, DockerConfigChoosesTheDirectory) {
  add_context("remote", "unix:///run/remote.sock");
  use("remote");
  auto env = env_of({{"DOCKER_CONFIG", config_.string()}, {"HOME", "/nonexistent"}});
  EXPECT_EQ(docker_config_dir(env), config_.string());
  EXPECT_EQ(resolve_endpoint("", env).context, "remote");
  EXPECT_EQ(docker_config_dir(env_of({{"HOME", "/home/me"}})), "/home/me/.docker");
}

TEST_F(DockerContextStore, TlsMaterialOfTheContextIsUsed) {
  add_context("secure", "tcp://gpu-box:2376");
  add_tls("secure");
  use("secure");
  // DOCKER_CERT_PATH belongs to DOCKER_HOST, not to a context.
  auto endpoint = resolve({{"DOCKER_CERT_PATH", "/elsewhere"}});
  EXPECT_TRUE(endpoint.tls);
  EXPECT_TRUE(endpoint.tls_verify);
  EXPECT_EQ(endpoint.http_base(), "https://gpu-box:2376");
  const auto tls_dir = config_ / "contexts" / "tls" / context_directory_name("secure") / "docker";
  EXPECT_EQ(endpoint.ca_file, (tls_dir / "ca.pem").string());
  EXPECT_EQ(endpoint.cert_file, (tls_dir / "cert.pem").string());
  EXPECT_EQ(endpoint.key_file, (tls_dir / "key.pem").string());

  add_context("secure", "tcp://gpu-box:2376", /*skip_tls_verify=*/true);
  EXPECT_FALSE(resolve({}).tls_verify);
}

TEST_F(DockerContextStore, AMissingContextIsAConfigErrorNamingItAndWhoChoseIt) {
  use("gone");
  try {
    resolve({});
    ADD_FAILURE() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("Docker context \"gone\""));
    EXPECT_THAT(error.what(), HasSubstr("config.json"));
    EXPECT_THAT(error.what(), HasSubstr("does not exist"));
    EXPECT_THAT(error.hint(), HasSubstr("docker context ls"));
  }
  try {
    resolve({{"DOCKER_CONTEXT", "nope"}});
    ADD_FAILURE() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("chosen by DOCKER_CONTEXT"));
  }
}

TEST_F(DockerContextStore, BrokenConfigJsonIsAConfigError) {
  fs::create_directories(config_);
  ollama_stack::testing::spit(config_ / "config.json", "{not json");
  EXPECT_THROW(resolve({}), ConfigError);
  // ... but DOCKER_HOST never needs it.
  EXPECT_EQ(resolve({{"DOCKER_HOST", "unix:///x.sock"}}).source, "DOCKER_HOST");
}

TEST(EndpointSsh, ParsesUserHostAndPort) {
  auto endpoint = parse_host("ssh://me@gpu-box:2222");
  EXPECT_EQ(endpoint.kind, Endpoint::Kind::ssh);
  EXPECT_EQ(endpoint.ssh_user, "me");
  EXPECT_EQ(endpoint.host, "gpu-box");
  EXPECT_EQ(endpoint.port, 2222);
  EXPECT_EQ(endpoint.url(), "ssh://me@gpu-box:2222");
  endpoint = parse_host("ssh://gpu-box");
  EXPECT_EQ(endpoint.ssh_user, "");
  EXPECT_EQ(endpoint.port, 0);
  EXPECT_EQ(endpoint.url(), "ssh://gpu-box");
  EXPECT_EQ(parse_host("ssh://me@[fd00::1]:22").host, "fd00::1");
  for (const char* bad :
       {"ssh://", "ssh://@host", "ssh://me@host/path", "ssh://-oProxyCommand=x"}) {
    EXPECT_THROW(parse_host(bad), ConfigError) << bad;
  }
}

TEST(EndpointSsh, TheSshProgramCanBeReplaced) {
  auto endpoint = resolve_endpoint("ssh://me@h", env_of({}), "");
  EXPECT_EQ(endpoint.ssh_command, std::vector<std::string>{"ssh"});
  endpoint = resolve_endpoint(
      "ssh://me@h", env_of({{"OLLAMA_STACK_SSH_COMMAND", "ssh -i /k  -o BatchMode=yes"}}), "");
  EXPECT_EQ(endpoint.ssh_command,
            (std::vector<std::string>{"ssh", "-i", "/k", "-o", "BatchMode=yes"}));
}

TEST(EndpointSsh, DialsLikeTheDockerCli) {
  auto endpoint = parse_host("ssh://me@gpu-box:2222");
  EXPECT_EQ(ssh_dial_command(endpoint),
            (std::vector<std::string>{"ssh", "-o", "ConnectTimeout=30", "-T", "-l", "me", "-p",
                                      "2222", "--", "gpu-box", "docker", "system", "dial-stdio"}));
  endpoint = parse_host("ssh://gpu-box");
  endpoint.ssh_command = {"ssh", "-i", "/k"};
  EXPECT_EQ(ssh_dial_command(endpoint),
            (std::vector<std::string>{"ssh", "-i", "/k", "-o", "ConnectTimeout=30", "-T", "--",
                                      "gpu-box", "docker", "system", "dial-stdio"}));
}

TEST(EndpointUrlHost, IsTheRemoteHostForTcpAndSsh) {
  EXPECT_EQ(url_host_of("unix:///var/run/docker.sock"), "localhost");
  EXPECT_EQ(url_host_of("tcp://10.0.0.5:2375"), "10.0.0.5");
  EXPECT_EQ(url_host_of("ssh://me@gpu-box:2222"), "gpu-box");
  EXPECT_EQ(url_host_of("ssh://gpu-box"), "gpu-box");
  EXPECT_EQ(url_host_of("tcp://[::1]:2375"), "[::1]");
}

}  // namespace
}  // namespace ollama_stack::engine
