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

#include "ollama_stack/stack/home/platform.hpp"
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

// The schema a parsed state file follows: its `schema_version`; 0 for the file of the Python
// ollama-stack this tool replaces (no schema_version, its own members: `version`, `extensions`
// as an object, `platform` as a map of compose files, ...); 1 for an object with neither.
int state_schema_of(const nlohmann::json& json);
// "the Python ollama-stack 0.2.0" for schema 0, "ollama-stack state schema N" otherwise.
std::string describe_state_schema(const nlohmann::json& json);

struct LastStart {
  std::chrono::sys_seconds at{};
  Platform platform = Platform::cpu;
  std::vector<std::string> services;
  std::optional<PlatformRecord> platform_record;  // absent in files written before it existed
  bool operator==(const LastStart&) const = default;
};

// An Ollama of the fleet on an engine of its own (`backends add`), run as the compose project
// "<core project>-backend-<name>" on that engine.
struct BackendRecord {
  std::string name;
  std::string host;     // the engine as --host gives it (tcp://, ssh://, unix://); "" with context
  std::string context;  // a Docker context's name; "" with host
  std::string gpus;     // "" none, "all", or device ids "0,2"
  int port = 11434;     // published on the backend's engine
  std::string bind = "0.0.0.0";  // address the port is published on
  std::string url;               // how Open WebUI reaches it; "" = http://<engine host>:<port>
  bool operator==(const BackendRecord&) const = default;
};

struct StackState {
  int schema_version = kStateSchemaVersion;
  std::optional<Platform> platform;  // last used; nullopt until a first start
  std::vector<std::string> enabled_extensions;
  std::optional<LastStart> last_start;
  // Added within schema 1 (optional members: an older ollama-stack keeps them as unknown members).
  std::vector<BackendRecord> backends;
  // The backends' URLs Open WebUI was last given besides the core's Ollama (OLLAMA_BASE_URLS).
  std::vector<std::string> webui_backend_urls;
  // Top-level members this version does not know, written back unchanged.
  nlohmann::json other_members = nlohmann::json::object();
  bool operator==(const StackState&) const = default;
};

// The record of a decision, and the decision a record stands for (status reuses it as it was).
PlatformRecord record_of(const PlatformDecision& decision);
PlatformDecision recorded_decision(const LastStart& last);

nlohmann::json to_json(const StackState& state);
// Throws ConfigError "<path>:<line>: <member> ..." for wrong types or a schema_version newer
// than kStateSchemaVersion, and MigrationDueError for an older schema; `text` (the file's
// content) is only used to find lines.
StackState state_from_json(const nlohmann::json& json, const std::string& path,
                           std::string_view text = {});

// The file follows an older schema: `ollama-stack migrate` upgrades it. Nothing is copied aside
// (the file is not corrupt).
class MigrationDueError : public ConfigError {
 public:
  using ConfigError::ConfigError;
};

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

// Missing file: defaults. Older schema: MigrationDueError. Corrupt (bad JSON, wrong types, newer schema_version): throws
// StateFileError naming path and line, after copying the content to
// "<path>.corrupt-<YYYYMMDDTHHMMSSZ>" (or naming an existing copy with the same content).
// Unreadable: ConfigError.
StackState load_state(const std::filesystem::path& path);

// Writes the state atomically (pretty-printed, mode 0644).
void save_state(const std::filesystem::path& path, const StackState& state);

}  // namespace ollama_stack::stack
