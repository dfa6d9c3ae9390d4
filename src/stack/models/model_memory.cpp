#include "ollama_stack/stack/models/model_memory.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "ollama_stack/util/error.hpp"
#include "ollama_stack/util/poll.hpp"

namespace ollama_stack::stack {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

bool is_plain_number(const std::string& text) {
  std::size_t at = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  if (at == text.size()) return false;
  bool dot = false;
  for (; at < text.size(); ++at) {
    if (text[at] == '.' && !dot)
      dot = true;
    else if (!is_digit(text[at]))
      return false;
  }
  return is_digit(text.back());
}

// Seconds in a Go duration ("1h30m", "1.5s", "-2m"), as time.ParseDuration reads it; nullopt when
// it is not one.
std::optional<double> go_duration_seconds(const std::string& text) {
  static const std::pair<const char*, double> kUnits[] = {
      {"ns", 1e-9}, {"us", 1e-6}, {"\u00b5s", 1e-6}, {"\u03bcs", 1e-6},
      {"ms", 1e-3}, {"s", 1},     {"m", 60},         {"h", 3600}};
  std::size_t at = 0;
  double sign = 1;
  if (at < text.size() && (text[at] == '-' || text[at] == '+')) sign = text[at++] == '-' ? -1 : 1;
  if (at == text.size()) return std::nullopt;
  if (text.substr(at) == "0") return 0.0;
  double total = 0;
  while (at < text.size()) {
    const std::size_t start = at;
    while (at < text.size() && (is_digit(text[at]) || text[at] == '.')) ++at;
    const std::string number_text = text.substr(start, at - start);
    if (!is_plain_number(number_text)) return std::nullopt;
    const double number = std::stod(number_text);
    std::size_t unit_start = at;
    while (at < text.size() && !is_digit(text[at]) && text[at] != '.') ++at;
    const std::string unit = text.substr(unit_start, at - unit_start);
    auto found = std::find_if(std::begin(kUnits), std::end(kUnits),
                              [&](const auto& u) { return unit == u.first; });
    if (found == std::end(kUnits)) return std::nullopt;
    total += number * found->second;
  }
  return sign * total;
}

void report(const MemoryOptions& options, const std::string& name, ProgressUpdate::State state,
            const std::string& message) {
  if (!options.progress) return;
  ProgressUpdate update;
  update.task = "model:" + name;
  update.label = name;
  update.state = state;
  update.message = message;
  options.progress(update);
}

const RunningModel* find_running(const std::vector<RunningModel>& models, const std::string& name) {
  for (const auto& model : models)
    if (same_model(model.name, name) || same_model(model.model, name)) return &model;
  return nullptr;
}

// Polls /api/ps until `done` holds for what it lists; throws Error(unhealthy) at the deadline.
std::vector<RunningModel> wait_for_ps(
    OllamaApi& api, const MemoryOptions& options,
    const std::function<bool(const std::vector<RunningModel>&)>& done, const std::string& what) {
  std::vector<RunningModel> models;
  const auto listed = [&] {
    models = api.ps();
    return done(models);
  };
  if (!util::wait_until(listed, Clock::now() + options.deadline, options.cancelled,
                        {std::chrono::milliseconds(100), std::chrono::milliseconds(100)}))
    throw Error(
        ExitCode::unhealthy,
        fmt::format("{} (waited {} s)", what,
                    std::chrono::duration_cast<std::chrono::seconds>(options.deadline).count()),
        "see what Ollama is doing with `ollama-stack logs ollama`");
  return models;
}

std::string not_found_hint(const std::string& name) {
  return fmt::format(
      "see the models Ollama has with `ollama-stack models list`, or pull it with "
      "`ollama-stack models pull {}`",
      name);
}

void unload_one(OllamaApi& api, const std::string& name, const MemoryOptions& options) {
  report(options, name, ProgressUpdate::State::running, "unloading");
  try {
    api.unload(name);
  } catch (const Error& error) {
    report(options, name, ProgressUpdate::State::failed, error.what());
    throw;
  }
}

}  // namespace

json parse_keep_alive(const std::string& text) {
  json value;
  double seconds = 0;
  if (is_plain_number(text)) {
    seconds = std::stod(text);
    value = text.find('.') == std::string::npos ? json(std::stoll(text)) : json(seconds);
  } else if (auto parsed = go_duration_seconds(text)) {
    seconds = *parsed;
    value = text;
  } else {
    throw Error(
        ExitCode::usage,
        fmt::format(
            "--keep-alive: \"{}\" is not a duration: give seconds (300), a duration (5m, 1h30m) or "
            "-1 to keep the model loaded",
            text));
  }
  if (seconds == 0)
    throw Error(ExitCode::usage, "--keep-alive: 0 unloads the model at once",
                "to unload it, run `ollama-stack models unload NAME`");
  return value;
}

std::string model_with_tag(const std::string& name) {
  const auto slash = name.rfind('/');
  const auto colon = name.find(':', slash == std::string::npos ? 0 : slash);
  return colon == std::string::npos ? name + ":latest" : name;
}

bool same_model(const std::string& a, const std::string& b) {
  return model_with_tag(a) == model_with_tag(b);
}

RunningModel load_model(OllamaApi& api, const std::string& name, const MemoryOptions& options) {
  report(options, name, ProgressUpdate::State::running, "loading");
  try {
    api.load(name, options.keep_alive, options.cancelled);
  } catch (const Interrupted&) {
    throw;
  } catch (const Error& error) {
    report(options, name, ProgressUpdate::State::failed, error.what());
    if (error.code() == ExitCode::failed &&
        std::string(error.what()).find("not found") != std::string::npos)
      throw Error(error.code(), error.what(), not_found_hint(name));
    throw;
  }
  auto models = wait_for_ps(
      api, options, [&](const auto& listed) { return find_running(listed, name) != nullptr; },
      fmt::format("Ollama answered that {} is loaded, but /api/ps does not list it", name));
  report(options, name, ProgressUpdate::State::done, "loaded");
  return *find_running(models, name);
}

UnloadOutcome unload_models(OllamaApi& api, const std::vector<std::string>& names,
                            const MemoryOptions& options) {
  UnloadOutcome outcome;
  const auto before = api.ps();
  auto add = [](std::vector<std::string>& list, const std::string& name) {
    if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
  };
  if (names.empty())
    for (const auto& model : before) add(outcome.unloaded, model.name);
  for (const auto& name : names) {
    const auto* running = find_running(before, name);
    if (running)
      add(outcome.unloaded, running->name);  // as /api/ps names it
    else
      add(outcome.not_loaded, name);
  }
  // Ollama answers 404 for a name it does not have, loaded or not: ask for every name given.
  for (const auto& name : outcome.unloaded) unload_one(api, name, options);
  for (const auto& name : outcome.not_loaded) {
    unload_one(api, name, options);
    report(options, name, ProgressUpdate::State::done, "was not loaded");
  }
  wait_for_ps(
      api, options,
      [&](const auto& listed) {
        return std::none_of(
            outcome.unloaded.begin(), outcome.unloaded.end(),
            [&](const auto& name) { return find_running(listed, name) != nullptr; });
      },
      fmt::format("Ollama accepted the unload, but /api/ps still lists {}",
                  fmt::join(outcome.unloaded, ", ")));
  for (const auto& name : outcome.unloaded)
    report(options, name, ProgressUpdate::State::done, "unloaded");
  return outcome;
}

SwitchOutcome switch_model(OllamaApi& api, const std::string& name, const MemoryOptions& options) {
  try {
    api.show(name, fmt::format("cannot switch to {}", name));
  } catch (const Error& error) {
    if (error.code() != ExitCode::failed) throw;
    throw Error(error.code(), error.what(), "nothing was unloaded; " + not_found_hint(name));
  }
  std::vector<std::string> others;
  for (const auto& model : api.ps())
    if (!same_model(model.name, name)) others.push_back(model.name);
  SwitchOutcome outcome;
  if (!others.empty()) outcome.unloaded = unload_models(api, others, options).unloaded;
  outcome.loaded = load_model(api, name, options);
  return outcome;
}

}  // namespace ollama_stack::stack
