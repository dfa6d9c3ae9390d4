#pragma once
// Which Ollamas a `models` verb acts on when backends are recorded (--backend B, repeatable, `core`
// being the core's Ollama; --all), and how the per-Ollama answers are merged into one document.
#include <CLI/CLI.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ollama_stack/cli/backend_verbs.hpp"
#include "ollama_stack/cli/context.hpp"
#include "ollama_stack/cli/table.hpp"
#include "ollama_stack/stack/models/models.hpp"

namespace ollama_stack::cli {

struct TargetChoice {
  std::vector<std::string> backends;  // --backend
  bool all = false;                   // --all (every Ollama)
};

// Whether the Ollama `name` ("core" or a backend's) is chosen: named by --backend, or --all, or
// nothing named and the verb acts everywhere by default (pure).
bool target_selected(const std::string& name, const TargetChoice& choice,
                     bool everywhere_by_default);

// The chosen Ollamas, core first then the backends in the order they were added; only the core's
// (or --ollama-url's) when no backend is recorded or --ollama-url is given. Throws Error(usage)
// for a name no backend has.
struct ModelTargets {
  std::vector<PullTarget> targets;
  bool fleet = false;  // backends are recorded (and no --ollama-url): output names the backend
  stack::OllamaEndpoint core;  // the core's Ollama as found (when "core" is a target)
  // The endpoint to report for `target`: the core's, or a backend's (its platform unknown here,
  // so no CPU-fallback warning is guessed for it).
  stack::OllamaEndpoint endpoint(const PullTarget& target) const;
};
ModelTargets model_targets(Context& context, const std::string& ollama_url,
                           const TargetChoice& choice, bool everywhere_by_default);

// Adds --backend (repeatable) and, when `all_flag`, --all (every Ollama) to `command`.
void add_target_options(CLI::App& command, TargetChoice& choice, const std::string& default_text,
                        bool all_flag = true);

// Runs `act` on each target in turn (a heading per Ollama on stderr when there are several and the
// output is for people). A target whose engine is unreachable, or whose Ollama fails, is recorded
// and the rest go on; Ctrl-C stops at once. Returns the failures as "backend NAME: why".
struct TargetFailure {
  std::string backend;
  std::string message;
  ExitCode code;
  std::exception_ptr error;  // what was thrown (null for an unreachable engine)
};
std::vector<TargetFailure> for_each_target(Context& context, const std::vector<PullTarget>& targets,
                                           bool headings,
                                           const std::function<void(const PullTarget&)>& act);
// Throws for `failures` after the output: Error(unhealthy) when an engine could not be reached,
// else the first failure's code, naming every one.
void raise_target_failures(const std::vector<TargetFailure>& failures);

// `load`, `unload`, `switch`: runs `act` (which prints for people and returns the verb's JSON
// document for that Ollama) on each target. The core alone behaves as without backends: its
// document printed as is, its error thrown as is. Otherwise a heading per Ollama, the first
// target's document with "targets": [{"backend", "endpoint", "ok", "error", ...its document}],
// then raise_target_failures.
void act_on_targets(Context& context, const ModelTargets& chosen, bool json,
                    const std::function<nlohmann::json(const PullTarget&)>& act);

// One Ollama's answer to a listing verb: its models as JSON objects, or why it gave none.
struct TargetListing {
  std::string backend;
  std::string endpoint;
  std::string error;  // "" when it answered
  nlohmann::json models = nlohmann::json::array();
};
// One empty listing per target, in order; and the one for `backend` (which must be there).
std::vector<TargetListing> listings_of(const std::vector<PullTarget>& targets);
TargetListing& listing_of(std::vector<TargetListing>& listings, const std::string& backend);
// {"models": every model once per Ollama that holds it, each with "backend", in target order;
//  "targets": [{"backend", "endpoint", "ok", "error", "models": count}]} (pure).
nlohmann::json merge_listings(const std::vector<TargetListing>& listings);
// What `models list|ps --json` print: {"endpoint": the first target's, "models"} as without
// backends, plus "backend" per model and "targets" (with each failure's error) on a fleet.
nlohmann::json listing_document(const ModelTargets& chosen, std::vector<TargetListing> listings,
                                const std::vector<TargetFailure>& failures);
// "warning: backend NAME left out: why" for each failure on stderr, then raise_target_failures.
void finish_listing(Context& context, const std::vector<TargetFailure>& failures);

// `models list` and `models ps`: the same options (--json, --ollama-url, --backend, --all) and the
// same run over the chosen Ollamas; only what each asks an Ollama and how a model is shown differ.
struct ListedModel {
  nlohmann::json json;           // in the document's "models"
  std::vector<std::string> row;  // in the table (without the BACKEND column: added on a fleet)
};
struct Listing {
  std::vector<Column> columns;  // without BACKEND
  std::function<std::vector<ListedModel>(const PullTarget&, const ModelTargets&)> models;
  std::string empty;  // the sentence when no Ollama listed anything
  std::function<void(const ModelTargets&, nlohmann::json& document)> decorate;  // --json (optional)
  std::function<void()> after;  // after the output, before the failures (optional)
};
// Adds `models NAME` (schema docs/json.md#models-NAME): it lists every chosen Ollama's models as
// `listing(context)` says, in one JSON document or one table, then the failures.
CLI::App* add_listing_verb(CLI::App& models, Context& context, const std::string& name,
                           const std::string& description,
                           const std::function<Listing(Context&)>& listing);

// How far an Ollama time (RFC 3339) is from now, rendered by `render` (given `when - now`); "-"
// when empty, the text as it is when it does not parse.
std::string from_now(const std::string& rfc3339,
                     const std::function<std::string(std::chrono::system_clock::duration)>& render);

}  // namespace ollama_stack::cli
