// `ollama-stack install`: create the home and its files (keeping an existing secret), then say
// what to do next.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct InstallOptions {
  bool force = false;
  bool json = false;
};

std::vector<std::string> paths(const std::vector<std::filesystem::path>& list) {
  std::vector<std::string> out;
  for (const auto& path : list) out.push_back(path.string());
  return out;
}

void run_install(Context& context, const InstallOptions& options) {
  context.json = options.json;
  const stack::HomeLayout home{context.home()};
  auto lock = stack::lock_stack(home, "install", std::chrono::seconds(30), nullptr);  // creates the home
  stack::EnsureHomeOptions ensure_options;
  ensure_options.force = options.force;
  auto result = stack::ensure_home(home.root, ensure_options);
  if (options.json) {
    write_json(context.out(), with_schema_version({{"home", home.root.string()},
                                                   {"created", paths(result.created)},
                                                   {"replaced", paths(result.replaced)},
                                                   {"kept", paths(result.kept)},
                                                   {"secret_generated", result.secret_generated},
                                                   {"warnings", result.warnings}}));
    return;
  }
  Style style(context.caps_out());
  context.out() << fmt::format("ollama-stack home: {}\n", home.root.string());
  for (const auto& path : result.created) context.out() << "  created   " << path.string() << "\n";
  for (const auto& path : result.replaced) context.out() << "  replaced  " << path.string() << "\n";
  for (const auto& path : result.kept) context.out() << "  kept      " << path.string() << "\n";
  context.out() << (result.secret_generated ? "  A new WEBUI_SECRET_KEY was generated and stored in .env.\n"
                                            : "  The existing WEBUI_SECRET_KEY was kept (Open WebUI sessions stay valid).\n");
  if (options.force)
    context.out() << "  --force reset .env to its defaults (the secret excepted): set your ports and images again.\n";
  for (const auto& warning : result.warnings) context.err() << "warning: " << warning << "\n";
  context.out() << "\nNext steps:\n"
                << "  " << style.bold("ollama-stack check") << "    verify Docker, ports and configuration\n"
                << "  " << style.bold("ollama-stack start") << "    start Ollama, Open WebUI and the MCP proxy\n";
}

}  // namespace

void register_install(CLI::App& app, Context& context) {
  auto options = std::make_shared<InstallOptions>();
  auto* command = app.add_subcommand("install", "Create the home (.env with a new secret, state, MCP config); safe to run again");
  command->add_flag("--force", options->force, "Rewrite the home's files with their defaults (the secret is kept)");
  command->add_flag("--json", options->json, "Print one JSON document (schema: docs/json.md#install)");
  command->callback([&context, options] { run_install(context, *options); });
}

}  // namespace ollama_stack::cli
