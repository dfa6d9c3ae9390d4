#include "ollama_stack/cli/log_render.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {
namespace {

stack::LogLine line(const std::string& service, const std::string& text,
                    engine::LogStream stream = engine::LogStream::stdout_) {
  return {service, "p-" + service + "-1", stream, "2024-01-02T15:04:05.1Z", 1704207845100000000,
          text};
}

std::string render_all(const std::vector<stack::LogLine>& lines, const LogRenderOptions& options) {
  std::ostringstream out;
  for (const auto& l : lines) out << render_log_line(l, options);
  return out.str();
}

TEST(LogRender, PadsThePrefixToTheLongestServiceName) {
  const LogRenderOptions options{.prefix_width =
                                     log_prefix_width({"ollama", "webui", "mcp_proxy"})};
  EXPECT_EQ(options.prefix_width, 9u);
  EXPECT_EQ(render_all({line("ollama", "listening"), line("mcp_proxy", "ready"), line("webui", "")},
                       options),
            "ollama    | listening\n"
            "mcp_proxy | ready\n"
            "webui     | \n");
}

TEST(LogRender, TimestampsOnlyWhenAskedAndNoPrefixDropsTheName) {
  EXPECT_EQ(render_all({line("webui", "hi")}, {.timestamps = true, .prefix_width = 5}),
            "webui | 2024-01-02T15:04:05.1Z hi\n");
  EXPECT_EQ(render_all({line("webui", "hi")}, {.prefix = false, .timestamps = true}),
            "2024-01-02T15:04:05.1Z hi\n");
  EXPECT_EQ(render_all({line("webui", "hi")}, {.prefix = false}), "hi\n");
}

TEST(LogRender, ColoursThePrefixPerServiceOnlyWhenColourIsOn) {
  const auto coloured = render_log_line(line("webui", "hi"), {.color = true, .prefix_width = 6});
  EXPECT_EQ(coloured, "\x1b[" + std::string(service_color_code("webui")) + "mwebui  |\x1b[0m hi\n");
}

TEST(LogRender, JsonLineHasTheDocumentedFields) {
  const auto json = log_line_json(line("webui", "oops", engine::LogStream::stderr_));
  EXPECT_EQ(json, (nlohmann::json{{"service", "webui"},
                                  {"container", "p-webui-1"},
                                  {"stream", "stderr"},
                                  {"time", "2024-01-02T15:04:05.1Z"},
                                  {"line", "oops"}}));
  auto untimed = line("ollama", "x");
  untimed.time.clear();
  EXPECT_TRUE(log_line_json(untimed)["time"].is_null());
}

}  // namespace
}  // namespace ollama_stack::cli
