// `ollama-stack models rm NAME...`: removes models from Ollama (DELETE /api/delete), after asking
// unless --force.
#include <fmt/format.h>

#include "confirm.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/cli/terminal.hpp"

namespace ollama_stack::cli {
namespace {

struct RmOptions {
  std::vector<std::string> names;
  bool force = false;
  bool json = false;
  std::string ollama_url;
};

// True when the user answers yes. Without anyone to ask, refuses with the flag that skips it.
bool confirmed(Context& context, const std::vector<std::string>& names) {
  auto answer = ask(
      context, fmt::format("Remove {} from Ollama? Their files are deleted. [y/N]", joined(names)));
  if (!answer)
    throw Error(ExitCode::failed,
                "nothing was removed: no answer to the confirmation (no input, or it was closed)",
                "pass --force to remove without asking");
  return is_yes(*answer);
}

void run_rm(Context& context, const RmOptions& options) {
  context.json = options.json;
  auto endpoint = find_ollama(context, options.ollama_url);
  stack::OllamaApi api(endpoint.url);
  if (!options.force && !confirmed(context, options.names))
    throw Error(ExitCode::failed, "nothing was removed: not confirmed",
                "answer y, or pass --force");
  std::vector<std::string> removed;
  std::vector<std::string> failures;
  std::string hint;
  for (const auto& name : options.names) {
    try {
      api.remove(name);
      removed.push_back(name);
    } catch (const Error& error) {
      failures.push_back(error.what());
      if (hint.empty()) hint = error.hint();
    }
  }
  if (options.json) {
    write_json(context.out(),
               with_schema_version(
                   {{"endpoint", endpoint.url}, {"removed", removed}, {"errors", failures}}));
    context.json = false;  // the document already carries the errors
  } else {
    Style style(context.caps_out());
    for (const auto& name : removed) context.out() << style.green("Removed ") << name << "\n";
  }
  if (hint.empty()) hint = "see the models Ollama has with `ollama-stack models list`";
  if (failures.size() == 1) throw Error(ExitCode::failed, failures.front(), hint);
  if (failures.size() > 1)
    throw Error(ExitCode::failed,
                fmt::format("{} of {} models could not be removed: {}", failures.size(),
                            options.names.size(), joined(failures)),
                hint);
}

}  // namespace

void register_models_rm(CLI::App& models, Context& context) {
  auto options = std::make_shared<RmOptions>();
  auto* command =
      models.add_subcommand("rm", "Remove models from Ollama (asks first unless --force)");
  command->alias("remove");
  command->add_option("names", options->names, "Models to remove")->required();
  command->add_flag("-f,--force", options->force, "Remove without asking");
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#models-rm)");
  add_ollama_url_option(*command, options->ollama_url);
  command->callback([&context, options] { run_rm(context, *options); });
}

}  // namespace ollama_stack::cli
