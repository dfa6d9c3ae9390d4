#include "ollama_stack/stack/log_level.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

struct LevelWord {
  std::string_view word;  // upper case
  LogLevel level;
};
constexpr std::array<LevelWord, 11> kWords{{{"TRACE", LogLevel::debug},
                                            {"DEBUG", LogLevel::debug},
                                            {"INFO", LogLevel::info},
                                            {"SUCCESS", LogLevel::info},
                                            {"NOTICE", LogLevel::info},
                                            {"WARN", LogLevel::warn},
                                            {"WARNING", LogLevel::warn},
                                            {"ERROR", LogLevel::error},
                                            {"CRITICAL", LogLevel::error},
                                            {"FATAL", LogLevel::error},
                                            {"PANIC", LogLevel::error}}};

// `word` names a level; `any_case` also accepts "info" and "Info" (JSON, slog, the argument).
std::optional<LogLevel> level_word(std::string_view word, bool any_case) {
  for (const auto& entry : kWords) {
    if (word.size() != entry.word.size()) continue;
    bool same = true;
    for (size_t i = 0; i < word.size() && same; ++i)
      same = any_case ? std::toupper(static_cast<unsigned char>(word[i])) == entry.word[i]
                      : word[i] == entry.word[i];
    if (same) return entry.level;
  }
  return std::nullopt;
}

// The run of letters at `pos`.
std::string_view letters_at(std::string_view text, size_t pos) {
  size_t end = pos;
  while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
  return text.substr(pos, end - pos);
}

// Go slog text: a `level=` attribute at the start or after a space; slog writes "INFO", "WARN",
// and for levels between them "INFO+2" (the letters name the level below).
std::optional<LogLevel> slog_level(std::string_view text) {
  for (size_t pos = text.find("level="); pos != std::string_view::npos;
       pos = text.find("level=", pos + 1))
    if (pos == 0 || text[pos - 1] == ' ') return level_word(letters_at(text, pos + 6), true);
  return std::nullopt;
}

// loguru: "<time> | LEVEL    | …"; Python logging as mcpo sets it up: "<time> - LEVEL - …".
std::optional<LogLevel> separated_level(std::string_view text, std::string_view separator) {
  for (size_t pos = text.find(separator); pos != std::string_view::npos;
       pos = text.find(separator, pos + 1)) {
    const auto word = letters_at(text, pos + separator.size());
    size_t after = pos + separator.size() + word.size();
    while (after < text.size() && text[after] == ' ') ++after;
    const std::string_view closing = separator.substr(0, separator.size() - 1);  // " |" or " -"
    if (!word.empty() && text.substr(after - 1).starts_with(closing))
      if (auto level = level_word(word, false)) return level;
  }
  return std::nullopt;
}

}  // namespace

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

LogLevel parse_log_level_argument(std::string_view text) {
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Only the four levels (and "warning"), not every word a log may use.
  for (const std::string_view name : {"debug", "info", "warn", "warning", "error"})
    if (lower == name) return *level_word(name, true);
  throw Error(ExitCode::usage, fmt::format("--level {}: not a level", text),
              "valid levels: debug, info, warn, error");
}

std::optional<LogLevel> declared_log_level(std::string_view text) {
  if (text.starts_with('{')) {
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_object() && json.contains("level") && json["level"].is_string())
      return level_word(json["level"].get<std::string>(), true);
    return std::nullopt;
  }
  // uvicorn and Python logging's default: "INFO:     …", "WARNING:root:…".
  if (const auto word = letters_at(text, 0);
      !word.empty() && text.substr(word.size()).starts_with(':'))
    if (auto level = level_word(word, false)) return level;
  if (auto level = slog_level(text)) return level;
  if (auto level = separated_level(text, " | ")) return level;
  return separated_level(text, " - ");
}

LogLevel LogLevelTracker::level_of(const std::string& container, std::string_view text) {
  const auto declared = declared_log_level(text);
  auto [it, inserted] = last_.try_emplace(container, LogLevel::info);
  if (declared) it->second = *declared;
  return it->second;
}

}  // namespace ollama_stack::stack
