#pragma once
// The whole installation as `start`, `restart` and `stop` see it: the core, its recorded backends
// and its enabled extensions, each in the order the others need (extensions stop before the core,
// whose network they are on; the MCP config is written before the core starts, so Open WebUI is
// created once with its final tool servers). Callers hold lock_stack(). Nothing here prints.
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/stack/backends/backend_fleet.hpp"
#include "ollama_stack/stack/extensions/extensions.hpp"
#include "ollama_stack/stack/lifecycle.hpp"

namespace ollama_stack::stack {

struct WholeStopOptions {
  int timeout_seconds = -1;  // -1: each service's stop_grace_period
  bool backends = true;      // also stop the recorded backends, on their engines
  ProgressCallback progress;
};

struct WholeStopResult {
  StopResult core;
  std::vector<std::string> stopped_extensions;  // names
  std::vector<BackendOutcome> backends;
};

// Stops every extension (the proxy's config rewritten, not the proxy restarted: it stops with the
// core), then the core, then the backends.
WholeStopResult stop_whole_stack(Session& session, const WholeStopOptions& options);

struct WholeStartOptions {
  StartOptions start;      // the core's (its wait, timeout, progress and cancellation serve all)
  bool restart = false;    // stop the extensions and the core first (the backends keep running)
  bool extensions = true;  // start the enabled extensions (and wire them into the MCP config)
  bool backends = true;    // start the recorded backends (and give Open WebUI the healthy ones)
};

struct WholeStartResult {
  StartResult core;
  std::vector<BackendOutcome> backends;
  std::optional<EnabledStartReport> extensions;  // nullopt: not asked for
};

// Writes the MCP config, starts the core and the backends at once
// (then the core again when Open WebUI's list of Ollama backends changed), then the extensions.
WholeStartResult start_whole_stack(Session& session, const WholeStartOptions& options);

}  // namespace ollama_stack::stack
