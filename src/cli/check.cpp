// `ollama-stack check [--json] [--fix] [--platform P]`: runs every check of the stack layer and
// renders the report. Exit codes: 0 every required check passed (warnings and skips allowed),
// 1 a check failed, 3 the engine cannot be reached at all (the other checks still run and print).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/text_width.hpp"
#include "ollama_stack/stack/checks/checks.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/error.hpp"
#include "platform_json.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct CheckOptions {
  bool json = false;
  bool fix = false;
  std::string platform = "auto";
};

std::string mark(stack::CheckStatus status, const TerminalCaps& caps) {
  const Style style(caps);
  const auto& glyph = glyphs(caps.unicode);
  switch (status) {
    case stack::CheckStatus::pass: return style.green(glyph.ok);
    case stack::CheckStatus::fail: return style.red(glyph.failed);
    case stack::CheckStatus::warn: return style.yellow("!");
    case stack::CheckStatus::skip: return style.dim("-");
  }
  return "?";
}

nlohmann::json endpoint_json(const engine::Endpoint& endpoint) {
  return {{"url", endpoint.url()},
          {"source", endpoint.source},
          {"context", endpoint.context.empty() ? nlohmann::json(nullptr) : nlohmann::json(endpoint.context)},
          {"reason", stack::endpoint_reason(endpoint)}};
}

nlohmann::json to_json(const stack::CheckReport& report, const engine::Endpoint& endpoint) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& check : report.checks) {
    checks.push_back({{"id", check.id}, {"name", check.name}, {"status", stack::to_string(check.status)},
                      {"message", check.message}, {"fix", check.fix}});
  }
  nlohmann::json platform = platform_json(report.platform);
  platform["facts"] = platform_facts_json(report.platform_facts);
  return with_schema_version({{"ok", report.ok()},
                              {"endpoint", endpoint_json(endpoint)},
                              {"platform", platform},
                              {"checks", checks},
                              {"fixed", report.fixed},
                              {"fix_errors", report.fix_failures}});
}

void render_human(Context& context, const stack::CheckReport& report) {
  const auto caps = context.caps_out();
  const Style style(caps);
  auto& out = context.out();
  for (const auto& fixed : report.fixed) out << style.green("fixed: ") << fixed << "\n";
  for (const auto& failure : report.fix_failures) out << style.red("could not fix: ") << failure << "\n";
  std::size_t name_width = 0;
  for (const auto& check : report.checks) name_width = std::max(name_width, display_width(check.name));
  for (const auto& check : report.checks) {
    const bool notable = check.status == stack::CheckStatus::fail || check.status == stack::CheckStatus::warn;
    if (context.global.quiet && !notable) continue;
    out << mark(check.status, caps) << " " << pad_to_width(check.name, name_width) << "  " << check.message << "\n";
    if (notable && !check.fix.empty()) out << "    " << style.bold("fix:") << " " << check.fix << "\n";
  }
  if (report.ok()) {
    if (!context.global.quiet) out << fmt::format("All required checks passed ({} checks).\n", report.checks.size());
    return;
  }
  const auto failed = report.failures();
  std::string names;
  for (const auto* check : failed) names += (names.empty() ? "" : ", ") + check->name;
  out << style.red(fmt::format("{} of {} checks failed: {}", failed.size(), report.checks.size(), names)) << "\n";
}

void run_check(Context& context, const CheckOptions& options) {
  context.json = options.json;
  stack::parse_platform(options.platform);  // a usage error before any output
  auto session = context.session(options.platform);
  const auto report =
      stack::run_checks(session, context.endpoint(),
                        {.fix = options.fix, .cancelled = [] { return cancel_requested(); }});

  if (options.json) {
    write_json(context.out(), to_json(report, context.endpoint()));
    context.json = false;  // the document is out; an error below goes to stderr only
  } else {
    render_human(context, report);
  }
  // The engine's own sentence on stderr, as every verb gives it; failed checks are already printed.
  if (!report.engine_reachable) throw Error(ExitCode::engine_unreachable, report.engine_error, report.engine_hint);
  if (!report.ok()) throw ExitWith(static_cast<int>(ExitCode::failed));
}

}  // namespace

void register_check(CLI::App& app, Context& context) {
  auto options = std::make_shared<CheckOptions>();
  auto* command = app.add_subcommand(
      "check",
      "Check everything the stack needs: engine, socket, home files, compose files, ports, disk, GPU, "
      "WebUI-to-Ollama.\nExit codes: 0 every required check passed (warnings allowed), 1 a check failed, "
      "3 the Docker engine cannot be reached.");
  command->add_flag("--json", options->json, "Print one JSON document (schema: docs/json.md#check)");
  command->add_flag("--fix", options->fix,
                    "Repair what is safe to repair first: create the home and its missing files, generate a "
                    "missing WEBUI_SECRET_KEY (an existing one is kept)");
  command
      ->add_option("--platform", options->platform,
                   "cpu, nvidia, amd, apple or auto (default: detect from the engine)")
      ->capture_default_str();
  command->callback([&context, options] { run_check(context, *options); });
}

}  // namespace ollama_stack::cli
