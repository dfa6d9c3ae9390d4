#include "ollama_stack/cli/progress_sink.hpp"

namespace ollama_stack::cli {

ProgressSink::ProgressSink(Context& context, bool enabled) : context_(context) {
  if (enabled) {
    renderer_ = std::make_unique<ProgressRenderer>(context.err(), context.caps_err());
    renderer_->start_ticker();
  }
}

ProgressCallback ProgressSink::callback() {
  return [this](const ProgressUpdate& update) { handle(update); };
}

void ProgressSink::handle(const ProgressUpdate& update) {
  if (!renderer_) return;
  std::lock_guard lock(mutex_);
  if (known_.insert(update.task).second) renderer_->add(update.task, update.label);
  switch (update.state) {
    case ProgressUpdate::State::pending:
      break;
    case ProgressUpdate::State::running:
      renderer_->start(update.task, update.message);
      if (update.total > 0)
        renderer_->bytes(update.task, static_cast<uint64_t>(update.current), static_cast<uint64_t>(update.total));
      break;
    case ProgressUpdate::State::done:
      renderer_->done(update.task, update.message);
      break;
    case ProgressUpdate::State::failed:
      renderer_->fail(update.task, update.message);
      break;
  }
}

void ProgressSink::note(const std::string& line) {
  if (renderer_) renderer_->note(line);
}

void ProgressSink::finish() {
  if (renderer_) renderer_->finish();
}

}  // namespace ollama_stack::cli
