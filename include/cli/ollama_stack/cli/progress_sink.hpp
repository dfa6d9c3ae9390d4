#pragma once
// Turns the lower layers' progress updates into what the terminal shows: a ProgressRenderer on
// stderr, or nothing with --json / --quiet.
#include <memory>
#include <mutex>
#include <set>

#include "ollama_stack/cli/context.hpp"
#include "ollama_stack/cli/progress.hpp"
#include "ollama_stack/util/progress.hpp"

namespace ollama_stack::cli {

class ProgressSink {
 public:
  // Silent when `enabled` is false.
  ProgressSink(Context& context, bool enabled);
  ProgressCallback callback();
  // Ends the display (clears the in-place lines' cursor state); safe to call twice.
  void finish();
  // A line above the progress display (or plain on stderr when silent).
  void note(const std::string& line);

 private:
  void handle(const ProgressUpdate& update);

  Context& context_;
  std::unique_ptr<ProgressRenderer> renderer_;
  std::mutex mutex_;
  std::set<std::string> known_;
};

}  // namespace ollama_stack::cli
