#pragma once
// Models of the stack's Ollama: where that Ollama answers (the running container's published
// port, the native app on Apple, or a URL the user gave), pulling with progress, and the pure
// judgements the verbs show (a model on the CPU of a GPU stack, a licence in one line).
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/stack/models/ollama_api.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

struct OllamaEndpoint {
  std::string url;        // "http://127.0.0.1:11434"
  std::string source;     // "--ollama-url", "container", "native app"
  std::string container;  // the ollama container's name (source "container")
  Platform platform = Platform::cpu;  // what the stack's Ollama runs on (nvidia: GPUs requested)
};

// "localhost:11434" -> "http://localhost:11434"; trailing slashes dropped. Throws Error(usage)
// for an empty URL or a scheme other than http/https.
std::string normalize_ollama_url(const std::string& url);

// Where the Ollama API of this container answers: its published port 11434 on `url_host`
// (Session::url_host(); "localhost" means the address the port is bound to); nullopt when it is
// not published.
std::optional<std::string> published_ollama_url(const engine::ContainerInspect& container,
                                                std::string url_host);

// The stack's Ollama. `override_url` (--ollama-url) wins. Else the running `ollama` container of
// this installation (its published port), else the native app on Apple. Throws Error(failed)
// with the command that starts the stack when none of these applies.
OllamaEndpoint resolve_ollama_endpoint(Session& session, const std::string& override_url);

struct PullOptions {
  std::function<void(const PullEvent&)> on_event;  // every event as it arrives (--json)
  ProgressCallback progress;                       // one task for the model, one per layer
  std::function<bool()> cancelled;
};

struct PullOutcome {
  std::string name;
  bool ok = false;
  bool interrupted = false;
  std::string error;  // one sentence; empty when ok
  std::string hint;
  std::vector<PullLayer> layers;
  int64_t bytes = 0;  // the layers' total size
  std::chrono::milliseconds duration{0};
};

// Pulls one model; never throws for the pull's own failures (they are in the outcome) so that a
// verb pulling several models can go on and report each.
PullOutcome pull_model(OllamaApi& api, const std::string& name, const PullOptions& options);

// A loaded model on a GPU stack with nothing in GPU memory runs on the CPU: the GPU was lost or
// is not visible to the container. Returns the warning, or "" when there is nothing to say.
std::string cpu_fallback_warning(const RunningModel& model, Platform platform);
// "gpu", "cpu" or "mixed" (how Ollama's `ps` PROCESSOR column reads).
std::string processor_of(const RunningModel& model);

// The licence's first meaningful line, at most `width` characters ("" when there is none).
std::string license_summary(const std::string& license, std::size_t width = 100);

}  // namespace ollama_stack::stack
