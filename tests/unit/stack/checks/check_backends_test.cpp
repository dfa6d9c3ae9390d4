#include "ollama_stack/stack/checks/check_backends.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ollama_stack::stack {
namespace {

using ::testing::HasSubstr;

TEST(CheckBackends, ABackendBeyondLoopbackIsAWarningAboutAuthentication) {
  BackendRecord backend;
  backend.name = "b2";
  backend.port = 11500;
  const auto open = evaluate_backend_exposure(backend);
  EXPECT_EQ(open.id, "backend.b2.exposure");
  EXPECT_EQ(open.status, CheckStatus::warn);
  EXPECT_THAT(open.message, HasSubstr("0.0.0.0:11500"));
  EXPECT_THAT(open.message, HasSubstr("no authentication"));
  EXPECT_THAT(open.fix, HasSubstr("firewall"));
  backend.bind = "127.0.0.1";
  EXPECT_EQ(evaluate_backend_exposure(backend).status, CheckStatus::pass);
}

}  // namespace
}  // namespace ollama_stack::stack
