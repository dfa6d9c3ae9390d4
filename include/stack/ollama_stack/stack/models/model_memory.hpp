#pragma once
// Which models sit in Ollama's memory: load one (a generate request with no prompt and
// `keep_alive`), unload one or all (`keep_alive: 0`), switch to one. Ollama answers a load once
// the model is in memory but unloads in the background (ollama/ollama server/sched.go), so each
// call waits, with a deadline, until /api/ps shows the change.
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ollama_stack/stack/models/ollama_api.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::stack {

// --keep-alive as Ollama's `keep_alive` takes it: seconds as a number ("300", "-1"), else a Go
// duration string ("5m", "1h30m", "-1m"); negative means "keep it loaded". Throws
// Error(usage) for anything else, and for zero (that unloads: `models unload` says so).
nlohmann::json parse_keep_alive(const std::string& text);

// "llama3.2" and "llama3.2:latest" name the same model, as in Ollama.
std::string model_with_tag(const std::string& name);
bool same_model(const std::string& a, const std::string& b);

struct MemoryOptions {
  nlohmann::json keep_alive;  // null: Ollama's default (OLLAMA_KEEP_ALIVE, else 5m)
  std::chrono::milliseconds deadline{std::chrono::seconds(60)};  // for /api/ps to show the change
  std::function<bool()> cancelled;
  ProgressCallback progress;  // one task per model: "loading" → "loaded", "unloading" → "unloaded"
};

// Loads `name` and returns its /api/ps entry. Throws Error(failed) with Ollama's own message when
// Ollama refuses, Error(unhealthy) when /api/ps does not show it by the deadline, Interrupted.
RunningModel load_model(OllamaApi& api, const std::string& name, const MemoryOptions& options);

struct UnloadOutcome {
  std::vector<std::string> unloaded;    // were loaded, are gone
  std::vector<std::string> not_loaded;  // named, but were not in memory
};
// Unloads the named models (all loaded ones when `names` is empty). Throws as load_model does.
UnloadOutcome unload_models(OllamaApi& api, const std::vector<std::string>& names,
                            const MemoryOptions& options);

struct SwitchOutcome {
  std::vector<std::string> unloaded;
  RunningModel loaded;
};
// Unloads every other model, then loads `name`. A name Ollama does not have is refused before
// anything is unloaded.
SwitchOutcome switch_model(OllamaApi& api, const std::string& name, const MemoryOptions& options);

}  // namespace ollama_stack::stack
