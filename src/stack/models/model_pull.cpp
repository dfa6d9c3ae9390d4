// Pulling one model: the API's events become progress tasks (one for the model, one per layer)
// and an outcome.
#include <fmt/format.h>

#include <set>

#include "ollama_stack/stack/models/models.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using State = ProgressUpdate::State;

class PullProgress {
 public:
  PullProgress(const std::string& name, ProgressCallback progress) : name_(name), progress_(std::move(progress)) {}

  void on(const PullEvent& event, const PullTracker& tracker) {
    if (!progress_) return;
    if (!event.error.empty()) return;
    if (event.digest.empty()) {
      if (event.status == "success") return;
      send({"model:" + name_, name_, State::running, event.status});
      return;
    }
    const PullLayer* layer = tracker.layer(event.digest);
    if (layer == nullptr) return;
    const std::string id = "layer:" + name_ + ":" + event.digest;
    if (layer->done()) {
      if (done_.insert(id).second) send({id, "  " + short_digest(event.digest), State::done, "pulled"});
      return;
    }
    send({id, "  " + short_digest(event.digest), State::running, "pulling", layer->completed, layer->total});
  }

  void finished(const PullTracker& tracker, bool ok, const std::string& message) {
    if (!progress_) return;
    for (const auto& layer : tracker.layers()) {
      const std::string id = "layer:" + name_ + ":" + layer.digest;
      if (done_.count(id) != 0) continue;
      if (ok) send({id, "  " + short_digest(layer.digest), State::done, "pulled"});
      else send({id, "  " + short_digest(layer.digest), State::failed, "stopped"});
    }
    send({"model:" + name_, name_, ok ? State::done : State::failed, message});
  }

 private:
  void send(const ProgressUpdate& update) { progress_(update); }

  std::string name_;
  ProgressCallback progress_;
  std::set<std::string> done_;
};

}  // namespace

PullOutcome pull_model(OllamaApi& api, const std::string& name, const PullOptions& options) {
  PullOutcome outcome;
  outcome.name = name;
  PullTracker tracker;
  PullProgress progress(name, options.progress);
  const auto started = std::chrono::steady_clock::now();
  try {
    api.pull(
        name,
        [&](const PullEvent& event) {
          tracker.apply(event);
          if (options.on_event) options.on_event(event);
          progress.on(event, tracker);
        },
        options.cancelled);
    if (!tracker.error().empty()) {
      outcome.error = fmt::format("cannot pull {}: {}", name, tracker.error());
      outcome.hint = "check the model's name and tag (https://ollama.com/library)";
    } else if (!tracker.succeeded()) {
      outcome.error = fmt::format("pulling {} ended before Ollama reported success (last status: {})", name,
                                  tracker.last_status().empty() ? "none" : tracker.last_status());
      outcome.hint = "pull again: Ollama keeps what it downloaded and continues from there";
    }
  } catch (const Interrupted&) {
    outcome.interrupted = true;
    outcome.error = "interrupted";
    outcome.hint = "pull again to continue: Ollama keeps what it downloaded";
  } catch (const Error& error) {
    outcome.error = error.what();
    outcome.hint = error.hint();
  }
  outcome.ok = outcome.error.empty();
  outcome.layers = tracker.layers();
  outcome.bytes = tracker.total_bytes();
  outcome.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  std::string shown = "pulled";  // on the model's progress line: short, the sentence comes later
  if (outcome.interrupted) shown = "interrupted";
  else if (!outcome.ok) shown = tracker.error().empty() ? outcome.error : tracker.error();
  progress.finished(tracker, outcome.ok, shown);
  return outcome;
}

}  // namespace ollama_stack::stack
