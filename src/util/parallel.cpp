#include "ollama_stack/util/parallel.hpp"

#include <fmt/format.h>

#include <exception>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::util {
namespace {

struct Described {
  std::string message;
  std::optional<ExitCode> code;
  bool interrupted = false;
};

Described describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Interrupted& interrupted) {
    return {interrupted.what(), ExitCode::interrupted, true};
  } catch (const Error& failure) {
    return {failure.what(), failure.code(), false};
  } catch (const std::exception& failure) {
    return {failure.what(), std::nullopt, false};
  } catch (...) {
    return {"an unknown exception", std::nullopt, false};
  }
}

}  // namespace

void parallel_for_each(size_t count, const std::function<void(size_t index)>& task) {
  std::vector<std::exception_ptr> errors(count);
  auto guarded = [&](size_t index) {
    try {
      task(index);
    } catch (...) {
      errors[index] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(count);
  size_t started = 0;
  try {
    for (; started < count; ++started) threads.emplace_back(guarded, started);
  } catch (const std::system_error&) {
    // Out of threads: the rest runs here, in order, so a task waiting for an earlier one still
    // finds it started.
  }
  for (size_t index = started; index < count; ++index) guarded(index);
  for (auto& thread : threads) thread.join();

  std::vector<std::exception_ptr> thrown;
  for (auto& error : errors)
    if (error) thrown.push_back(error);
  if (thrown.empty()) return;
  if (thrown.size() == 1) std::rethrow_exception(thrown.front());
  std::string joined;
  std::optional<ExitCode> code;
  for (const auto& error : thrown)
    if (describe(error).interrupted) std::rethrow_exception(error);
  for (const auto& error : thrown) {
    auto described = describe(error);
    joined += (joined.empty() ? "" : "; ") + described.message;
    if (!code) code = described.code;
  }
  throw Error(code.value_or(ExitCode::failed),
              fmt::format("{} tasks failed: {}", thrown.size(), joined));
}

}  // namespace ollama_stack::util
