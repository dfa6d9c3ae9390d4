// `ollama-stack extensions list`: every extension with its version, whether it is enabled, runs,
// and can run on this platform.
#include <fmt/format.h>

#include <sstream>

#include "ollama_stack/cli/extension_verbs.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/table.hpp"
#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {
namespace {

struct ListOptions {
  bool enabled = false;
  bool running = false;
  bool json = false;
};

void run_list(Context& context, const ListOptions& options) {
  context.json = options.json;
  auto session = context.session();
  const auto overview = stack::extensions_overview(session);
  std::vector<const stack::ExtensionStatus*> shown;
  for (const auto& status : overview.extensions) {
    if (options.enabled && !status.enabled) continue;
    if (options.running && !status.running) continue;
    shown.push_back(&status);
  }
  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto* status : shown) {
      const auto* extension = status->extension;
      list.push_back({{"name", status->name},
                      {"display_name", extension ? extension->manifest.display_name : ""},
                      {"version", extension ? extension->manifest.version : ""},
                      {"description", extension ? extension->manifest.description : ""},
                      {"origin", extension ? extension->origin_text() : "missing"},
                      {"enabled", status->enabled},
                      {"running", status->running},
                      {"supported", status->supported},
                      {"unsupported_reason", status->unsupported_reason}});
    }
    nlohmann::json invalid = nlohmann::json::array();
    for (const auto& bad : overview.catalog.invalid)
      invalid.push_back(
          {{"name", bad.name}, {"manifest", bad.manifest_path}, {"error", bad.error}});
    write_json(context.out(), with_schema_version({{"extensions", list}, {"invalid", invalid}}));
    return;
  }
  const auto caps = context.caps_out();
  Style style(caps);
  if (shown.empty()) {
    context.out() << (overview.extensions.empty() ? "No extensions are installed.\n"
                                                  : "No extension matches the filter.\n");
  } else {
    Table table({{"NAME"}, {"VERSION"}, {"ENABLED"}, {"RUNNING"}, {"SUPPORTED"}, {"DESCRIPTION"}});
    for (const auto* status : shown) {
      const auto* extension = status->extension;
      table.add_row({status->name, extension ? extension->manifest.version : "-",
                     status->enabled ? "yes" : "no", status->running ? style.green("yes") : "no",
                     status->supported ? "yes" : "no (" + status->unsupported_reason + ")",
                     extension ? extension->manifest.description : "-"});
    }
    table.render(context.out(), caps);
  }
  for (const auto& bad : overview.catalog.invalid)
    context.err() << "warning: extension " << bad.name << " is invalid: " << bad.error << "\n";
}

}  // namespace

void register_extensions_list(CLI::App& group, Context& context) {
  auto options = std::make_shared<ListOptions>();
  auto* command = group.add_subcommand(
      "list", "List the extensions: version, enabled, running, supported here");
  command->add_flag("--enabled", options->enabled, "Only the enabled ones");
  command->add_flag("--running", options->running, "Only the running ones");
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#extensions-list)");
  command->callback([&context, options] { run_list(context, *options); });
}

}  // namespace ollama_stack::cli
