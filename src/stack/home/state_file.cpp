#include "ollama_stack/stack/home/state_file.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>

#include "ollama_stack/util/atomic_file.hpp"
#include "ollama_stack/util/json_text.hpp"
#include "ollama_stack/util/timestamp.hpp"

namespace ollama_stack::stack {
namespace {

constexpr std::string_view kRemoveHint =
    "fix the file, or remove it to start from defaults (ollama-stack then forgets the enabled "
    "extensions and the last start; containers and volumes are not affected)";

class Reader {
 public:
  Reader(const std::string& path, std::string_view text) : path_(path), text_(text) {}

  [[noreturn]] void fail(std::initializer_list<std::string_view> keys, std::string_view what,
                         std::string hint = std::string(kRemoveHint)) const {
    std::string where = path_;
    if (auto line = util::line_of_member(text_, keys)) where += fmt::format(":{}", *line);
    std::string member;
    for (auto key : keys) member += (member.empty() ? "" : ".") + std::string(key);
    throw ConfigError(fmt::format("{}: {} {}", where, member, what), std::move(hint));
  }

  std::string string(const nlohmann::json& value,
                     std::initializer_list<std::string_view> keys) const {
    if (!value.is_string()) fail(keys, fmt::format("must be a string, not {}", value.type_name()));
    return value.get<std::string>();
  }

  std::vector<std::string> strings(const nlohmann::json& value,
                                   std::initializer_list<std::string_view> keys) const {
    if (!value.is_array() ||
        !std::all_of(value.begin(), value.end(),
                     [](const nlohmann::json& item) { return item.is_string(); })) {
      fail(keys, "must be an array of strings");
    }
    return value.get<std::vector<std::string>>();
  }

  Platform platform(const nlohmann::json& value,
                    std::initializer_list<std::string_view> keys) const {
    std::string text = string(value, keys);
    try {
      if (auto platform = parse_platform(text)) return *platform;
    } catch (const Error&) {
    }
    fail(keys, fmt::format("\"{}\" is not a platform (cpu, nvidia, amd or apple)", text));
  }

 private:
  const std::string& path_;
  std::string_view text_;
};

LastStart last_start_from_json(const nlohmann::json& json, const Reader& reader) {
  if (!json.is_object())
    reader.fail({"last_start"}, fmt::format("must be an object, not {}", json.type_name()));
  LastStart last;
  auto at = json.find("at");
  if (at == json.end()) reader.fail({"last_start"}, "has no \"at\" time");
  std::string at_text = reader.string(*at, {"last_start", "at"});
  auto parsed = util::parse_rfc3339(at_text);
  if (!parsed)
    reader.fail({"last_start", "at"}, fmt::format("\"{}\" is not an RFC 3339 time", at_text));
  last.at = *parsed;
  if (auto it = json.find("platform"); it != json.end()) {
    last.platform = reader.platform(*it, {"last_start", "platform"});
  }
  if (auto it = json.find("services"); it != json.end()) {
    last.services = reader.strings(*it, {"last_start", "services"});
  }
  if (auto it = json.find("platform_record"); it != json.end() && !it->is_null()) {
    if (!it->is_object())
      reader.fail({"last_start", "platform_record"},
                  fmt::format("must be an object, not {}", it->type_name()));
    PlatformRecord record;
    auto text = [&](const char* key, std::string& out) {
      if (auto member = it->find(key); member != it->end())
        out = reader.string(*member, {"last_start", "platform_record"});
    };
    text("chosen_by", record.chosen_by);
    text("reason", record.reason);
    text("gpu_request", record.gpu_request);
    if (auto evidence = it->find("evidence"); evidence != it->end())
      record.evidence = reader.strings(*evidence, {"last_start", "platform_record"});
    last.platform_record = std::move(record);
  }
  return last;
}

BackendRecord backend_from_json(const nlohmann::json& json, const Reader& reader) {
  if (!json.is_object())
    reader.fail({"backends"}, fmt::format("holds {}, not an object", json.type_name()));
  BackendRecord backend;
  for (const auto& [key, value] : json.items()) {
    if (key == "port") {
      if (!value.is_number_integer() || value.get<long long>() < 1 || value.get<long long>() > 65535)
        reader.fail({"backends", "port"}, "must be a port number (1-65535)");
      backend.port = static_cast<int>(value.get<long long>());
      continue;
    }
    std::string* field = key == "name"      ? &backend.name
                         : key == "host"    ? &backend.host
                         : key == "context" ? &backend.context
                         : key == "gpus"    ? &backend.gpus
                         : key == "bind"    ? &backend.bind
                         : key == "url"     ? &backend.url
                                            : nullptr;
    if (field != nullptr) *field = reader.string(value, {"backends", key});
  }
  if (backend.name.empty()) reader.fail({"backends", "name"}, "must name every backend");
  return backend;
}

// The path of an earlier copy holding exactly `content`, if any.
std::optional<std::filesystem::path> existing_copy(const std::filesystem::path& path,
                                                   const std::string& content) {
  std::error_code error;
  std::string prefix = path.filename().string() + ".corrupt-";
  for (const auto& entry : std::filesystem::directory_iterator(path.parent_path(), error)) {
    if (!entry.path().filename().string().starts_with(prefix)) continue;
    try {
      if (util::read_file_if_exists(entry.path()) == content) return entry.path();
    } catch (const Error&) {
    }
  }
  return std::nullopt;
}

// Copies the bad content aside; nullopt (and the reason in `problem`) when that fails.
std::optional<std::filesystem::path> keep_copy(const std::filesystem::path& path,
                                               const std::string& content, std::string& problem) {
  if (auto copy = existing_copy(path, content)) return copy;
  std::filesystem::path copy = path;
  copy += ".corrupt-" + util::format_compact_utc(std::chrono::system_clock::now());
  try {
    util::write_file_atomic(copy, content, {.mode = S_IRUSR | S_IWUSR});
  } catch (const Error& error) {
    problem = error.what();
    return std::nullopt;
  }
  return copy;
}

// Members only the Python ollama-stack's AppConfig wrote (schemas.py of that tool).
bool has_python_members(const nlohmann::json& json) {
  auto is = [&](const char* key, auto&& test) { return json.contains(key) && test(json[key]); };
  return is("version", [](const auto& v) { return v.is_string(); }) ||
         is("extensions", [](const auto& v) { return v.is_object(); }) ||
         is("platform", [](const auto& v) { return v.is_object(); }) ||
         is("services", [](const auto& v) { return v.is_object(); }) ||
         json.contains("docker_compose_file") || json.contains("data_directory") ||
         json.contains("backup_directory");
}

}  // namespace

PlatformRecord record_of(const PlatformDecision& decision) {
  return {decision.chosen_by, decision.reason, decision.evidence,
          decision.platform == Platform::nvidia ? to_string(decision.nvidia_request) : ""};
}

PlatformDecision recorded_decision(const LastStart& last) {
  PlatformDecision decision;
  decision.platform = last.platform;
  if (const auto& record = last.platform_record) {
    decision.chosen_by = record->chosen_by;
    decision.reason = record->reason;
    decision.evidence = record->evidence;
    if (record->gpu_request == "cdi") decision.nvidia_request = NvidiaRequest::cdi;
  }
  return decision;
}

int state_schema_of(const nlohmann::json& json) {
  if (!json.is_object()) return kStateSchemaVersion;
  if (auto it = json.find("schema_version"); it != json.end() && it->is_number_integer())
    return static_cast<int>(std::clamp<long long>(it->get<long long>(), 0, 1000000));
  return has_python_members(json) ? 0 : 1;
}

std::string describe_state_schema(const nlohmann::json& json) {
  const int schema = state_schema_of(json);
  if (schema != 0) return fmt::format("ollama-stack state schema {}", schema);
  const auto version = json.find("version");
  return version != json.end() && version->is_string()
             ? fmt::format("the Python ollama-stack {}", version->get<std::string>())
             : "the Python ollama-stack";
}

nlohmann::json to_json(const StackState& state) {
  nlohmann::json json = nlohmann::json::object();
  json["schema_version"] = state.schema_version;
  if (state.platform) json["platform"] = to_string(*state.platform);
  json["enabled_extensions"] = state.enabled_extensions;
  if (state.last_start) {
    json["last_start"] = {{"at", util::format_rfc3339(state.last_start->at)},
                          {"platform", to_string(state.last_start->platform)},
                          {"services", state.last_start->services}};
    if (const auto& record = state.last_start->platform_record)
      json["last_start"]["platform_record"] = {{"chosen_by", record->chosen_by},
                                               {"reason", record->reason},
                                               {"evidence", record->evidence},
                                               {"gpu_request", record->gpu_request}};
  }
  if (!state.backends.empty()) {
    json["backends"] = nlohmann::json::array();
    for (const auto& backend : state.backends)
      json["backends"].push_back({{"name", backend.name},
                                  {"host", backend.host},
                                  {"context", backend.context},
                                  {"gpus", backend.gpus},
                                  {"port", backend.port},
                                  {"bind", backend.bind},
                                  {"url", backend.url}});
  }
  if (!state.webui_backend_urls.empty()) json["webui_backend_urls"] = state.webui_backend_urls;
  if (state.other_members.is_object()) {
    for (const auto& [key, value] : state.other_members.items()) {
      if (!json.contains(key)) json[key] = value;
    }
  }
  return json;
}

StackState state_from_json(const nlohmann::json& json, const std::string& path,
                           std::string_view text) {
  Reader reader(path, text);
  if (!json.is_object()) {
    throw ConfigError(fmt::format("{}: must hold a JSON object, not {}", path, json.type_name()),
                      std::string(kRemoveHint));
  }
  if (const int schema = state_schema_of(json);
      schema < kStateSchemaVersion && (schema >= 1 || !json.contains("schema_version"))) {
    throw MigrationDueError(
        fmt::format("{}: written by {} (state schema {}); this ollama-stack reads schema {}", path,
                    describe_state_schema(json), schema, kStateSchemaVersion),
        "run `ollama-stack migrate`: it upgrades the file and keeps a copy of the old one");
  }
  StackState state;
  for (const auto& [key, value] : json.items()) {
    if (key == "schema_version") {
      if (!value.is_number_integer() || value.get<long long>() < 1) {
        reader.fail({"schema_version"}, "must be a positive whole number");
      }
      if (value.get<long long>() > kStateSchemaVersion) {
        reader.fail({"schema_version"},
                    fmt::format("is {}, newer than this ollama-stack understands ({})",
                                value.get<long long>(), kStateSchemaVersion),
                    "upgrade ollama-stack, or remove the file to start from defaults");
      }
      state.schema_version = static_cast<int>(value.get<long long>());
    } else if (key == "platform") {
      if (!value.is_null()) state.platform = reader.platform(value, {"platform"});
    } else if (key == "enabled_extensions") {
      state.enabled_extensions = reader.strings(value, {"enabled_extensions"});
    } else if (key == "backends") {
      if (!value.is_array()) reader.fail({"backends"}, "must be an array");
      for (const auto& item : value) state.backends.push_back(backend_from_json(item, reader));
    } else if (key == "webui_backend_urls") {
      state.webui_backend_urls = reader.strings(value, {"webui_backend_urls"});
    } else if (key == "last_start") {
      if (!value.is_null()) state.last_start = last_start_from_json(value, reader);
    } else {
      state.other_members[key] = value;
    }
  }
  return state;
}

StackState load_state(const std::filesystem::path& path) {
  std::optional<std::string> text;
  try {
    text = util::read_file_if_exists(path);
  } catch (const Error& error) {
    throw ConfigError(error.what(), "check the file's permissions");
  }
  if (!text) return StackState{};
  try {
    auto json = util::parse_json_text(*text, path.string(), std::string(kRemoveHint));
    return state_from_json(json, path.string(), *text);
  } catch (const MigrationDueError&) {
    throw;  // not corrupt: nothing to copy aside
  } catch (const ConfigError& error) {
    std::string problem;
    auto copy = keep_copy(path, *text, problem);
    std::string message = error.what();
    message +=
        copy ? fmt::format(" (the file is left as it is; a copy was saved as {})", copy->string())
             : fmt::format(" (the file is left as it is; no copy could be saved: {})", problem);
    throw StateFileError(std::move(message), error.hint(), std::move(copy));
  }
}

void save_state(const std::filesystem::path& path, const StackState& state) {
  util::write_file_atomic(path, to_json(state).dump(2) + "\n", {.mode = 0644});
}

}  // namespace ollama_stack::stack
