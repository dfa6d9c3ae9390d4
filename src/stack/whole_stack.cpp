#include "ollama_stack/stack/whole_stack.hpp"

#include "ollama_stack/stack/backends/backends.hpp"
#include "ollama_stack/stack/extensions/extension_mcp.hpp"
#include "ollama_stack/util/parallel.hpp"

namespace ollama_stack::stack {
namespace {

// The core and every backend at once; then Open WebUI's OLLAMA_BASE_URLS becomes the core's
// Ollama and every healthy backend, and the core is applied again (recreating only Open WebUI)
// when that list changed.
void start_core_and_backends(Session& session, const StartOptions& options, bool with_backends,
                             WholeStartResult& out) {
  if (!with_backends) {
    out.core = start_stack(session, options);
    return;
  }
  const auto backends = recorded_backends(session.home());
  const std::string core_project = session.project().project.name;  // loaded before the threads
  util::parallel_for_each(2, [&](size_t task) {
    if (task == 0) {
      out.core = start_stack(session, options);
    } else if (!backends.empty()) {
      out.backends = start_backends(
          session.options(), core_project, backends,
          {options.wait, options.timeout, options.update, options.progress, options.cancelled});
    }
  });
  if (!record_webui_backends(session.home(), out.backends)) return;
  session.reload_project();
  const auto again = start_stack(session, options);
  out.core.changed = out.core.changed || again.changed;
  for (const auto& service : again.applied.services)
    for (auto& first : out.core.applied.services)
      if (first.service == service.service && service.action != compose::ServiceAction::none)
        first = service;
  out.core.urls = again.urls;
}

}  // namespace

WholeStopResult stop_whole_stack(Session& session, const WholeStopOptions& options) {
  WholeStopResult result;
  ExtensionStopOptions extension_stop;
  extension_stop.stop_timeout_seconds = options.timeout_seconds;
  extension_stop.restart_proxy = false;  // the proxy stops with the core
  extension_stop.progress = options.progress;
  for (const auto& stopped : stop_all_extensions(session, extension_stop))
    result.stopped_extensions.push_back(stopped.name);
  StopOptions stop_options;
  stop_options.timeout_seconds = options.timeout_seconds;
  stop_options.progress = options.progress;
  result.core = stop_stack(session, stop_options);
  if (options.backends)
    result.backends = stop_backends(session.options(), session.project_name(),
                                    recorded_backends(session.home()), options.progress);
  return result;
}

WholeStartResult start_whole_stack(Session& session, const WholeStartOptions& options) {
  if (options.restart) stop_whole_stack(session, {-1, false, options.start.progress});
  // A corrupt or empty MCP config stops the start here, nothing changed.
  write_wired_config(
      session, options.extensions ? planned_wired_servers(session) : std::vector<WiredServer>{});
  WholeStartResult result;
  start_core_and_backends(session, options.start, options.backends, result);
  if (options.extensions) {
    ExtensionStartOptions extension_start;
    extension_start.wait = options.start.wait;
    extension_start.timeout = options.start.timeout;
    extension_start.progress = options.start.progress;
    extension_start.cancelled = options.start.cancelled;
    result.extensions = start_enabled_extensions(session, extension_start);
  }
  return result;
}

}  // namespace ollama_stack::stack
