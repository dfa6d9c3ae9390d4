#pragma once
// `<home>/.ollama-stack.json`: what ollama-stack remembers between runs (platform last used,
// enabled extensions, last successful start). A corrupt file is never overwritten silently: load
// refuses it, names path and line, and keeps a copy aside.
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ollama_stack/stack/platform.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {

inline constexpr int kStateSchemaVersion = 1;

// How the last start chose its platform, so `status` can say it without asking the engine again.
struct PlatformRecord {
  std::string chosen_by;  // "detected" or "--platform"
  std::string reason;
  std::vector<std::string> evidence;
  std::string gpu_request;  // nvidia: "nvidia" or "cdi"; "" elsewhere
  bool operator==(const PlatformRecord&) const = default;
};

struct LastStart {
  std::chrono::sys_seconds at{};
  Platform platform = Platform::cpu;
  std::vector<std::string> services;
  std::optional<PlatformRecord> platform_record;  // absent in files written before it existed
  bool operator==(const LastStart&) const = default;
};

struct StackState {
  int schema_version = kStateSchemaVersion;
  std::optional<Platform> platform;  // last used; nullopt until a first start
  std::vector<std::string> enabled_extensions;
  std::optional<LastStart> last_start;
  // Top-level members this version does not know, written back unchanged.
  nlohmann::json other_members = nlohmann::json::object();
  bool operator==(const StackState&) const = default;
};

// The record of a decision, and the decision a record stands for (status reuses it as it was).
PlatformRecord record_of(const PlatformDecision& decision);
PlatformDecision recorded_decision(const LastStart& last);

nlohmann::json to_json(const StackState& state);
// Throws ConfigError "<path>:<line>: <member> ..." for wrong types or a schema_version newer
// than kStateSchemaVersion; `text` (the file's content) is only used to find lines.
StackState state_from_json(const nlohmann::json& json, const std::string& path,
                           std::string_view text = {});

// A state file load refused. The original file is left in place; a copy was saved aside.
class StateFileError : public ConfigError {
 public:
  StateFileError(std::string message, std::string hint, std::optional<std::filesystem::path> copy)
      : ConfigError(std::move(message), std::move(hint)), copy_(std::move(copy)) {}
  // Where the bad content was copied (nullopt when the copy could not be written).
  const std::optional<std::filesystem::path>& kept_copy() const noexcept { return copy_; }

 private:
  std::optional<std::filesystem::path> copy_;
};

// Missing file: defaults. Corrupt (bad JSON, wrong types, newer schema_version): throws
// StateFileError naming path and line, after copying the content to
// "<path>.corrupt-<YYYYMMDDTHHMMSSZ>" (or naming an existing copy with the same content).
// Unreadable: ConfigError.
StackState load_state(const std::filesystem::path& path);

// Writes the state atomically (pretty-printed, mode 0644).
void save_state(const std::filesystem::path& path, const StackState& state);

}  // namespace ollama_stack::stack
