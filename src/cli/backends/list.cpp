// `ollama-stack backends list`: the recorded backends, their engines and how Open WebUI reaches
// them (from the state file; `status` shows how they are doing).
#include <fmt/format.h>

#include <algorithm>

#include "ollama_stack/cli/backend_verbs.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/table.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

void run_list(Context& context, bool json) {
  context.json = json;
  auto session = context.session();
  const auto backends = stack::recorded_backends(session.home());
  const auto wired = stack::recorded_backend_urls(session.home());
  nlohmann::json list = nlohmann::json::array();
  Table table({{"NAME"}, {"ENGINE"}, {"GPUS"}, {"PORT", Align::right}, {"URL"}, {"IN WEBUI"}});
  for (const auto& backend : backends) {
    const auto url =
        stack::backend_webui_url(backend, stack::backend_endpoint(backend, session.options().env));
    const bool in_webui = std::find(wired.begin(), wired.end(), url) != wired.end();
    list.push_back(
        {{"name", backend.name},
         {"engine", stack::backend_engine_text(backend)},
         {"host", backend.host.empty() ? nlohmann::json(nullptr) : nlohmann::json(backend.host)},
         {"context",
          backend.context.empty() ? nlohmann::json(nullptr) : nlohmann::json(backend.context)},
         {"gpus", backend.gpus.empty() ? nlohmann::json(nullptr) : nlohmann::json(backend.gpus)},
         {"port", backend.port},
         {"bind", backend.bind},
         {"url", url},
         {"in_webui", in_webui}});
    table.add_row({backend.name, stack::backend_engine_text(backend),
                   backend.gpus.empty() ? "-" : backend.gpus, std::to_string(backend.port), url,
                   in_webui ? "yes" : "no"});
  }
  if (json) {
    write_json(context.out(), with_schema_version({{"backends", list}}));
  } else if (backends.empty()) {
    context.out() << "No backend is recorded. `ollama-stack backends add NAME --host URL` adds "
                     "one.\n";
  } else {
    table.render(context.out(), context.caps_out());
  }
}

}  // namespace

void register_backends_list(CLI::App& group, Context& context) {
  auto json = std::make_shared<bool>(false);
  auto* command = group.add_subcommand("list", "List the recorded backends");
  command->add_flag("--json", *json,
                    "Print one JSON document (schema: docs/json.md#backends-list)");
  command->callback([&context, json] { run_list(context, *json); });
}

}  // namespace ollama_stack::cli
