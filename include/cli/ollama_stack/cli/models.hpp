#pragma once
// What the `models` verbs (src/cli/models/) and `start --pull` share: the --ollama-url option,
// finding the stack's Ollama, a loaded model's rendering, and pulling with progress or JSON Lines.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ollama_stack/cli/context.hpp"
#include "ollama_stack/cli/progress_sink.hpp"
#include "ollama_stack/stack/models/model_memory.hpp"
#include "ollama_stack/stack/models/models.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::cli {

void register_models_list(CLI::App& models, Context& context);
void register_models_load(CLI::App& models, Context& context);
void register_models_ps(CLI::App& models, Context& context);
void register_models_pull(CLI::App& models, Context& context);
void register_models_rm(CLI::App& models, Context& context);
void register_models_show(CLI::App& models, Context& context);
void register_models_switch(CLI::App& models, Context& context);
void register_models_unload(CLI::App& models, Context& context);

void add_ollama_url_option(CLI::App& command, std::string& url);
// The stack's Ollama (or --ollama-url's).
stack::OllamaEndpoint find_ollama(Context& context, const std::string& override_url);

// A loaded model (an /api/ps entry) as `models ps --json` shows it, and in words: "100% GPU",
// "in 4m59s" / "forever".
nlohmann::json running_model_json(const stack::RunningModel& model, stack::Platform platform);
std::string processor_text(const stack::RunningModel& model);
std::string unloads_when(const std::string& expires_at);

// `load`, `unload`, `switch`: Ctrl-C stops the wait, progress goes to `progress`.
stack::MemoryOptions memory_options(ProgressSink& progress);
// What `load` and `switch` report: returns the JSON document; for people (not `json`) prints
// "Loaded NAME: size, processor, unloads in …" (after "Unloaded …" when `unloaded` is given); the
// CPU-fallback warning goes to stderr either way.
nlohmann::json print_loaded(Context& context, const stack::OllamaEndpoint& endpoint,
                            const stack::RunningModel& model,
                            const std::vector<std::string>* unloaded, bool json);
std::string joined(const std::vector<std::string>& names);  // "a, b, c"

// Pulls each name in turn, drawing progress on stderr (bars on a terminal, lines otherwise;
// nothing without show_progress or with --quiet) or, with json_lines, writing each event as a
// JSON line on stdout. Stops at Ctrl-C.
std::vector<stack::PullOutcome> pull_models(Context& context, stack::OllamaApi& api,
                                            const std::vector<std::string>& names, bool json_lines,
                                            bool show_progress = true);
nlohmann::json pull_outcome_json(const stack::PullOutcome& outcome);
// Throws for the failed outcomes: Interrupted, or one Error naming every model that failed.
// `prefix` starts the sentence ("the stack is running, but ").
void raise_pull_failures(const std::vector<stack::PullOutcome>& outcomes,
                         const std::string& prefix = "");

// `start --pull`: pulls `names` from the stack just started; on failure throws an Error saying the
// stack is up. Returns the names pulled.
std::vector<std::string> pull_after_start(Context& context, stack::Session& session,
                                          const std::vector<std::string>& names, bool json);

}  // namespace ollama_stack::cli
