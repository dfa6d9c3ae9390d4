#pragma once
// The one way work fans out to threads: every task runs on its own thread, all are joined, and
// whatever a task throws comes back to the caller (an exception escaping a std::thread would end
// the process). apply, down, update, logs and pulls all use it.
#include <cstddef>
#include <functional>

namespace ollama_stack::util {

// Runs task(0) … task(count - 1) at the same time, one thread each (a task that cannot get a
// thread runs on the calling one, after the others have started), and returns once all have
// finished. Then, if tasks threw: one exception is rethrown as it was; several are rethrown as
// one — Interrupted when any task was interrupted, else an Error with the first one's exit code
// whose message joins every message ("3 tasks failed: …; …; …").
void parallel_for_each(size_t count, const std::function<void(size_t index)>& task);

// The same over the elements of a container.
template <typename Container, typename Task>
requires requires(Container& items) {
  items.size();
  items[0];
}
void parallel_for_each(Container& items, Task&& task) {
  parallel_for_each(items.size(), [&](size_t index) { task(items[index]); });
}

}  // namespace ollama_stack::util
