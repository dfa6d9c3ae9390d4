#include "ollama_stack/stack/migrate/migrate_steps.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <map>
#include <optional>

#include "ollama_stack/compose/dotenv.hpp"
#include "ollama_stack/stack/home/env_defaults.hpp"
#include "ollama_stack/stack/home/env_file.hpp"
#include "ollama_stack/stack/home/state_file.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

// ---- state file ----

// Schema 0 (the Python tool's AppConfig) -> 1: the enabled extensions move to
// `enabled_extensions`; what only the Python tool used (its compose file names, data and backup
// directories, service types, its version) is dropped; the old file's copy keeps it.
nlohmann::json state_0_to_1(const nlohmann::json& old, std::vector<std::string>& changes) {
  nlohmann::json next = nlohmann::json::object();
  std::vector<std::string> dropped;
  std::vector<std::string> enabled;
  for (const auto& [key, value] : old.items()) {
    if (key == "extensions" && value.is_object()) {
      for (const auto& name : value.value("enabled", nlohmann::json::array()))
        if (name.is_string()) enabled.push_back(name.get<std::string>());
      if (value.contains("config") && value["config"].is_object() && !value["config"].empty())
        changes.push_back(
            fmt::format("the extensions' settings (extensions.config: {}) have no counterpart here "
                        "and were dropped; the copy of the old file keeps them",
                        value["config"].dump()));
    } else if (key == "version" || key == "services" || key == "docker_compose_file" ||
               key == "data_directory" || key == "backup_directory" || key == "platform" ||
               key == "project_name" || key == "webui_secret_key") {
      dropped.push_back(key);
    } else {
      next[key] = value;
    }
  }
  next["schema_version"] = 1;
  next["enabled_extensions"] = enabled;
  changes.push_back(enabled.empty()
                        ? "no extensions were enabled"
                        : fmt::format("enabled extensions kept: {}", fmt::join(enabled, ", ")));
  if (!dropped.empty())
    changes.push_back(fmt::format(
        "dropped what only the Python ollama-stack used: {} (the compose files are built "
        "in, the platform is detected at every start, .env holds the project name and "
        "the secret)",
        fmt::join(dropped, ", ")));
  return next;
}

using StateStep = nlohmann::json (*)(const nlohmann::json&, std::vector<std::string>&);
constexpr std::array<StateStep, kStateSchemaVersion> kStateSteps{state_0_to_1};  // [N]: N -> N + 1

// ---- .env ----

constexpr std::string_view kPythonPlaceholderSecret = "your-secret-key-here";

// The header ollama-stack wrote before the format line existed (format 1).
constexpr std::string_view kFormat1Header =
    "# ollama-stack settings, read for the stack's compose files.";

std::optional<std::string> value_of(const std::vector<compose::DotenvEntry>& entries,
                                    std::string_view key) {
  for (const auto& entry : entries)
    if (entry.key == key) return entry.value;
  return std::nullopt;
}

// Format 0 -> 1: the header goes on top, the variables the file does not set are documented at
// its end (as commented examples), and a missing or placeholder secret is generated. Every line
// the user wrote stays.
std::string env_0_to_1(std::string_view text, const std::function<std::string()>& new_secret,
                       EnvUpgrade& upgrade) {
  const auto entries = compose::parse_dotenv(text, ".env");
  std::string body(text);
  const auto secret = value_of(entries, kSecretKeyVariable);
  if (!secret || secret->empty() || *secret == kPythonPlaceholderSecret) {
    body = set_env_value_in_text(body, kSecretKeyVariable, new_secret());
    upgrade.changes.push_back(
        secret && *secret == kPythonPlaceholderSecret
            ? fmt::format("{} held the Python ollama-stack's published placeholder \"{}\", which "
                          "lets anyone sign "
                          "Open WebUI sessions; it was replaced by a generated key (users log in "
                          "again once)",
                          kSecretKeyVariable, kPythonPlaceholderSecret)
            : fmt::format("{} was missing and was generated", kSecretKeyVariable));
  }
  if (!body.empty() && body.back() != '\n') body += '\n';

  std::string added;
  std::vector<std::string> documented;
  for (const auto& variable : stack_variables()) {
    if (value_of(entries, variable.name) || variable.name == kSecretKeyVariable) continue;
    added += env_variable_text(variable, false, variable.default_value);
    documented.push_back(std::string(variable.name));
  }
  std::string result = env_header_text() + "\n" + body;
  if (!added.empty()) {
    result +=
        "\n# Added by `ollama-stack migrate`: the other variables the stack reads, with their "
        "defaults.\n" +
        added;
    upgrade.changes.push_back(
        fmt::format("documented the variables the file did not set, as commented examples: {}",
                    fmt::join(documented, ", ")));
  }
  upgrade.changes.insert(upgrade.changes.begin(),
                         "added the header with the format line; every line you wrote is kept");

  // Variables only the Python tool read: still in the file, but nothing reads them any more.
  const std::string project =
      value_of(entries, kProjectNameVariable).value_or(std::string(kDefaultProjectName));
  const std::map<std::string_view, std::pair<std::string_view, std::string_view>> volume_variables{
      {"OLLAMA_VOLUME_NAME", {"ollama", "ollama_data"}},
      {"WEBUI_VOLUME_NAME", {"webui", "webui_data"}}};
  for (const auto& entry : entries) {
    if (auto volume = volume_variables.find(entry.key); volume != volume_variables.end()) {
      const auto& [service, key] = volume->second;
      const std::string target = fmt::format("{}_{}", project, key);
      if (entry.value != target)
        upgrade.notes.push_back(
            fmt::format("{}={} is not read by this ollama-stack: the stack's {} volume is {}; copy "
                        "the old volume's content "
                        "over with `ollama-stack migrate --from-volume {}={}`",
                        entry.key, entry.value, service, target, service, entry.value));
    } else if (entry.key == "NETWORK_NAME" || entry.key == "STACK_VERSION" ||
               entry.key == "PLATFORM_DETECTED" || entry.key == "LAST_UPDATE") {
      upgrade.notes.push_back(
          fmt::format("{} is no longer read (the line is kept; you may delete it)", entry.key));
    }
  }
  return result;
}

using EnvStep = std::string (*)(std::string_view, const std::function<std::string()>&, EnvUpgrade&);
constexpr std::array<EnvStep, kEnvFormatVersion> kEnvSteps{env_0_to_1};  // [N]: N -> N + 1

}  // namespace

int env_format_of(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (line.starts_with(kEnvFormatPrefix)) {
      int version = 0;
      for (char c : line.substr(kEnvFormatPrefix.size())) {
        if (c < '0' || c > '9') break;
        version = std::min(version * 10 + (c - '0'), 1000000);
      }
      return version;
    }
    if (line.starts_with(kFormat1Header)) return 1;
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return 0;
}

StateUpgrade upgrade_state_json(const nlohmann::json& json) {
  StateUpgrade upgrade{json, {}};
  int schema = state_schema_of(json);
  if (schema > kStateSchemaVersion)
    throw ConfigError(
        fmt::format("the state file follows schema {}, newer than this ollama-stack knows ({})",
                    schema, kStateSchemaVersion),
        "upgrade ollama-stack");
  for (; schema < kStateSchemaVersion; ++schema)
    upgrade.json = kStateSteps.at(schema)(upgrade.json, upgrade.changes);
  return upgrade;
}

EnvUpgrade upgrade_env_text(std::string_view text, const std::function<std::string()>& new_secret) {
  EnvUpgrade upgrade;
  upgrade.text = std::string(text);
  int format = env_format_of(text);
  if (format > kEnvFormatVersion)
    throw ConfigError(fmt::format(".env follows format {}, newer than this ollama-stack knows ({})",
                                  format, kEnvFormatVersion),
                      "upgrade ollama-stack");
  for (; format < kEnvFormatVersion; ++format) {
    const std::string before = upgrade.text;
    upgrade.text = kEnvSteps.at(format)(before, new_secret, upgrade);
  }
  return upgrade;
}

}  // namespace ollama_stack::stack
