// `ollama-stack version [--json]`: the CLI's version, the engine's, the API in use, the platform.
#include "ollama_stack/util/version.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/stack/home/platform.hpp"
#include "platform_json.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct VersionOptions {
  bool json = false;
};

void run_version(Context& context, const VersionOptions& options) {
  context.json = options.json;
  auto& engine = context.engine();
  const auto version = engine.version();  // first call: throws exit 3 when the engine is unreachable
  const auto negotiated = engine.api_version();
  const auto info = engine.info();
  const auto facts = stack::gather_platform_facts(&info, engine.describe());
  const auto platform = stack::decide_platform(facts);

  if (options.json) {
    nlohmann::json document{
        {"schema_version", 1},
        {"cli", {{"version", kVersion}}},
        {"engine",
         {{"version", version.version},
          {"api_version", version.api_version},
          {"min_api_version", version.min_api_version},
          {"negotiated_api_version", negotiated},
          {"os", version.os},
          {"arch", version.arch},
          {"endpoint", context.endpoint().url()},
          {"endpoint_source", context.endpoint().source},
          {"endpoint_context", context.endpoint().context.empty()
                                   ? nlohmann::json(nullptr)
                                   : nlohmann::json(context.endpoint().context)}}},
        {"platform", platform_json(platform)}};
    // `detected` predates `name`; kept for scripts that read it.
    document["platform"]["detected"] = stack::to_string(platform.platform);
    document["platform"]["facts"] = platform_facts_json(facts);
    context.out() << document.dump(2) << "\n";
    return;
  }
  context.out() << fmt::format("ollama-stack {}\n", kVersion)
                << fmt::format("engine:   Docker {} (API {}, using {}) at {}\n", version.version,
                               version.api_version, negotiated, context.endpoint().url())
                << fmt::format("platform: {}\n", stack::describe(platform));
  for (const auto& line : platform.evidence) context.out() << "  " << line << "\n";
  for (const auto& warning : platform.warnings) context.err() << "warning: " << warning << "\n";
}

}  // namespace

void register_version(CLI::App& app, Context& context) {
  auto options = std::make_shared<VersionOptions>();
  auto* command = app.add_subcommand("version", "Show the CLI, engine and API versions and the detected platform");
  command->add_flag("--json", options->json, "Print one JSON document (schema: docs/json.md#version)");
  command->callback([&context, options] { run_version(context, *options); });
}

}  // namespace ollama_stack::cli
