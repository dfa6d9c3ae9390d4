#include "ollama_stack/cli/app.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/printable.hpp"
#include "ollama_stack/util/version.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

void configure_logging(Context& context) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(context.err(), true);
  auto logger = std::make_shared<spdlog::logger>("ollama-stack", sink);
  logger->set_pattern("%H:%M:%S.%e %^%l%$ %v");
  logger->set_level(context.global.verbose ? spdlog::level::debug : spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

int report(Context& context, ExitCode code, const std::string& message, const std::string& hint) {
  // Messages quote files and engine answers: their control bytes are shown, never obeyed.
  context.err() << "ollama-stack: error: " << util::printable(message, "\n\t") << "\n";
  if (!hint.empty()) context.err() << "  hint: " << util::printable(hint, "\n\t") << "\n";
  if (context.json) {
    nlohmann::json document{{"schema_version", 1},
                            {"error", {{"message", message}, {"hint", hint}, {"exit_code", static_cast<int>(code)}}}};
    context.out() << document.dump(2) << "\n";
  }
  context.out().flush();
  context.err().flush();
  return static_cast<int>(code);
}

}  // namespace

void build_command_tree(CLI::App& app, Context& context) {
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("ollama-stack ") + kVersion);
  app.add_flag("-v,--verbose", context.global.verbose, "Log every engine call with its time on stderr");
  app.add_flag("-q,--quiet", context.global.quiet, "Print only errors and requested data");
  app.add_flag("--no-color", context.global.no_color, "No colour (also when NO_COLOR is set)");
  app.add_option("--home", context.global.home,
                 "Configuration and state directory (default: $OLLAMA_STACK_HOME, else ~/.ollama-stack)");
  app.add_option("--host", context.global.host,
                 "Docker engine endpoint: unix:///path, tcp://host:port or ssh://user@host[:port] (default: "
                 "$DOCKER_HOST, else the current Docker context, else unix:///var/run/docker.sock)");
  app.add_option("--compose-dir", context.global.compose_dir,
                 "Directory of compose files replacing the embedded ones (default: $OLLAMA_STACK_COMPOSE_DIR)");
  app.fallthrough();

  register_config(app, context);
  register_install(app, context);
  register_start(app, context);
  register_stop(app, context);
  register_restart(app, context);
  register_status(app, context);
  register_check(app, context);
  register_version(app, context);
  register_logs(app, context);
  register_models(app, context);
  register_completion(app, context);
  register_backup(app, context);
  register_restore(app, context);
  register_uninstall(app, context);
  register_cleanup(app, context);
  register_update(app, context);
  register_migrate(app, context);
  register_extensions(app, context);
  register_backends(app, context);
  register_man_page(app, context);
}

int run(const std::vector<std::string>& args, Context& context) {
  CLI::App app{"ollama-stack: run a local Ollama + Open WebUI + MCP stack on Docker, and say exactly what state it is in.",
               "ollama-stack"};
  build_command_tree(app, context);
  app.parse_complete_callback([&context] { configure_logging(context); });

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::Success& success) {  // --help, --version
    std::ostringstream help_out, help_err;
    app.exit(success, help_out, help_err);
    std::string text = help_out.str();
    if (!text.empty() && text.back() != '\n') text += '\n';
    context.out() << text;
    context.err() << help_err.str();
    return 0;
  } catch (const ExitWith& exit) {
    return exit.code();
  } catch (const CLI::ParseError& error) {
    return report(context, ExitCode::usage, error.what(), "run `ollama-stack --help` for usage");
  } catch (const Error& error) {
    return report(context, error.code(), error.what(), error.hint());
  } catch (const std::exception& error) {
    return report(context, ExitCode::failed, fmt::format("unexpected failure: {}", error.what()),
                  "run again with --verbose and report this as a bug");
  }
  return 0;
}

}  // namespace ollama_stack::cli
