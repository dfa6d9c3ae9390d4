#include "ollama_stack/cli/log_render.hpp"

#include <algorithm>

#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/cli/text_width.hpp"

namespace ollama_stack::cli {

std::size_t log_prefix_width(const std::vector<std::string>& services) {
  std::size_t width = 0;
  for (const auto& service : services) width = std::max(width, display_width(service));
  return width;
}

std::string render_log_line(const stack::LogLine& line, const LogRenderOptions& options) {
  std::string out;
  if (options.prefix) {
    const std::string& prefix = line.prefix.empty() ? line.service : line.prefix;
    out += Style(options.color).service(line.service, pad_to_width(prefix, options.prefix_width) + " |");
    out += ' ';
  }
  if (options.timestamps && !line.time.empty()) out.append(line.time).append(" ");
  out.append(line.text).append("\n");
  return out;
}

nlohmann::json log_line_json(const stack::LogLine& line) {
  return nlohmann::json{
      {"service", line.service},
      {"container", line.container},
      {"stream", line.stream == engine::LogStream::stderr_ ? "stderr" : "stdout"},
      {"time", line.time.empty() ? nlohmann::json(nullptr) : nlohmann::json(line.time)},
      {"line", line.text}};
}

}  // namespace ollama_stack::cli
