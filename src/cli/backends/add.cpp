// `ollama-stack backends add NAME (--host URL | --context NAME)`: record another Ollama on an
// engine of its own (or pinned to some GPUs); `start` brings it up and wires it into Open WebUI.
#include <fmt/format.h>

#include "ollama_stack/cli/backend_verbs.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/stack/lifecycle.hpp"
#include "ollama_stack/stack/models/models.hpp"
#include "ollama_stack/util/error.hpp"
#include "stack_lock.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct AddOptions {
  stack::BackendRecord backend;
  int lock_timeout = 120;
  bool json = false;
};

void run_add(Context& context, AddOptions options) {
  context.json = options.json;
  auto& backend = options.backend;
  stack::validate_backend_name(backend.name);
  stack::gpu_ids(backend.gpus);
  if (!backend.url.empty()) backend.url = stack::normalize_ollama_url(backend.url);
  auto session = context.session();
  // Its engine answers now, or nothing is recorded: its platform is decided from it.
  auto connection = stack::connect_backend(backend, session.options());
  const auto& decision = connection.session->platform();
  auto lock = lock_stack_for(context, session, "backends add", options.lock_timeout);
  stack::ensure_home(session.home().root);
  stack::record_backend(session.home(), backend);
  const std::string url = stack::backend_webui_url(backend, connection.endpoint);
  if (options.json) {
    write_json(context.out(), with_schema_version(
                                  {{"name", backend.name},
                                   {"engine", stack::backend_engine_text(backend)},
                                   {"platform", stack::to_string(decision.platform)},
                                   {"url", url},
                                   {"port", backend.port},
                                   {"bind", backend.bind},
                                   {"gpus", backend.gpus.empty() ? nlohmann::json(nullptr)
                                                                 : nlohmann::json(backend.gpus)}}));
    return;
  }
  context.out() << fmt::format(
      "Backend {} recorded: Ollama on {} ({}), port {} on {}; Open WebUI reaches it at {}.\n"
      "Run `ollama-stack start` to bring it up and add it to Open WebUI.\n",
      backend.name, stack::backend_engine_text(backend), stack::describe(decision), backend.port,
      backend.bind, url);
  if (backend.bind != "127.0.0.1" && backend.bind != "::1")
    context.err() << fmt::format(
        "warning: backend {} listens on {}:{} of its engine's host, and Ollama has no "
        "authentication: anyone who reaches that port can use and delete its models (see the "
        "README's \"Several machines and GPUs\" on how to restrict it)\n",
        backend.name, backend.bind, backend.port);
}

}  // namespace

void register_backends_add(CLI::App& group, Context& context) {
  auto options = std::make_shared<AddOptions>();
  auto* command = group.add_subcommand(
      "add", "Record an Ollama on another engine (or on some GPUs); `start` brings it up");
  command->add_option("name", options->backend.name, "Its name (names its project and volume)")
      ->required();
  auto* host = command->add_option("--host", options->backend.host,
                                   "Its engine: tcp://host:2375, ssh://user@host, unix:///path");
  auto* docker_context = command->add_option("--context", options->backend.context,
                                             "Its engine as a Docker context names it");
  host->excludes(docker_context);
  command->add_option("--gpus", options->backend.gpus,
                      "all, or the GPU ids it gets (e.g. 0 or 0,1): one Ollama per GPU");
  command->add_option("--port", options->backend.port, "Port it publishes (default 11434)")
      ->check(CLI::Range(1, 65535));
  command->add_option("--bind", options->backend.bind,
                      "Address of its engine's host it listens on (default 0.0.0.0: Open WebUI "
                      "must reach it)");
  command->add_option("--url", options->backend.url,
                      "How Open WebUI reaches it (default http://<engine host>:<port>)");
  add_lock_timeout_option(*command, options->lock_timeout);
  command->add_flag("--json", options->json,
                    "Print one JSON document (schema: docs/json.md#backends-add)");
  command->callback([&context, options, host, docker_context] {
    if (host->count() == 0 && docker_context->count() == 0)
      throw Error(ExitCode::usage, "backends add needs its engine: --host URL or --context NAME",
                  "e.g. `ollama-stack backends add gpu-box --host ssh://me@gpu-box`");
    run_add(context, *options);
  });
}

}  // namespace ollama_stack::cli
