#include "ollama_stack/stack/models/ollama_api.hpp"

#include <fmt/format.h>

#include <cctype>

#include "ollama_stack/stack/service_http.hpp"
#include "ollama_stack/util/error.hpp"

namespace ollama_stack::stack {
namespace {

using json = nlohmann::json;

std::string text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t integer(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  return it->is_number_float() ? static_cast<int64_t>(it->get<double>()) : it->get<int64_t>();
}

std::vector<std::string> strings(const json& object, const char* key) {
  std::vector<std::string> out;
  if (auto it = object.find(key); it != object.end() && it->is_array())
    for (const auto& item : *it)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

ModelDetails details_of(const json& model) {
  auto it = model.find("details");
  if (it == model.end() || !it->is_object()) return {};
  return {.format = text(*it, "format"),
          .family = text(*it, "family"),
          .families = strings(*it, "families"),
          .parameter_size = text(*it, "parameter_size"),
          .quantization_level = text(*it, "quantization_level"),
          .parent_model = text(*it, "parent_model")};
}

const json& models_array(const json& answer, const char* path) {
  static const json empty = json::array();
  if (!answer.is_object())
    throw Error(ExitCode::failed,
                fmt::format("unexpected answer from Ollama's {}: not a JSON object", path));
  auto it = answer.find("models");
  if (it == answer.end() || it->is_null()) return empty;
  if (!it->is_array())
    throw Error(ExitCode::failed,
                fmt::format("unexpected answer from Ollama's {}: \"models\" is not a list", path));
  return *it;
}

// Throws when Ollama could not be reached, or answered other than 2xx: "<what>: <its error>"
// (from `body`, the answer's text or its first bytes).
void raise_unless_ok(const HttpResult& result, const std::string& base_url, const std::string& what,
                     std::string_view body, const std::string& hint = {}) {
  if (result.status == 0)
    throw Error(ExitCode::failed,
                fmt::format("cannot reach Ollama at {}: {}", base_url, result.error),
                "check that the stack runs (`ollama-stack status`), or the address given with "
                "--ollama-url");
  if (result.status < 200 || result.status >= 300)
    throw Error(ExitCode::failed,
                fmt::format("{}: {}", what, ollama_error_message(result.status, body)), hint);
}

}  // namespace

std::vector<LocalModel> parse_tags(const json& answer) {
  std::vector<LocalModel> models;
  for (const auto& entry : models_array(answer, "/api/tags")) {
    if (!entry.is_object()) continue;
    models.push_back({text(entry, "name"), text(entry, "model"), text(entry, "modified_at"),
                      integer(entry, "size"), text(entry, "digest"), details_of(entry)});
  }
  return models;
}

std::vector<RunningModel> parse_ps(const json& answer) {
  std::vector<RunningModel> models;
  for (const auto& entry : models_array(answer, "/api/ps")) {
    if (!entry.is_object()) continue;
    RunningModel model{.name = text(entry, "name"),
                       .model = text(entry, "model"),
                       .size = integer(entry, "size"),
                       .size_vram = integer(entry, "size_vram"),
                       .digest = text(entry, "digest"),
                       .expires_at = text(entry, "expires_at"),
                       .details = details_of(entry)};
    if (auto it = entry.find("context_length"); it != entry.end() && it->is_number_integer())
      model.context_length = it->get<int64_t>();
    models.push_back(std::move(model));
  }
  return models;
}

ModelShow parse_show(const json& answer) {
  if (!answer.is_object())
    throw Error(ExitCode::failed, "unexpected answer from Ollama's /api/show: not a JSON object");
  ModelShow show{.license = text(answer, "license"),
                 .modelfile = text(answer, "modelfile"),
                 .parameters = text(answer, "parameters"),
                 .template_text = text(answer, "template"),
                 .modified_at = text(answer, "modified_at"),
                 .details = details_of(answer),
                 .capabilities = strings(answer, "capabilities")};
  if (auto it = answer.find("model_info"); it != answer.end() && it->is_object())
    show.model_info = *it;
  return show;
}

std::string ollama_error_message(int status, std::string_view body) {
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_object()) {
    if (auto it = parsed.find("error");
        it != parsed.end() && it->is_string() && !it->get<std::string>().empty())
      return it->get<std::string>();
  }
  std::string trimmed(body);
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())))
    trimmed.pop_back();
  if (trimmed.empty()) return fmt::format("HTTP {}", status);
  constexpr std::size_t kMax = 200;
  if (trimmed.size() > kMax) trimmed = trimmed.substr(0, kMax) + "…";
  return trimmed;
}

OllamaApi::OllamaApi(std::string base_url, std::chrono::milliseconds timeout)
    : base_url_(std::move(base_url)), timeout_(timeout) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

json OllamaApi::call(const std::string& method, const std::string& path, const json& body,
                     const std::string& what, const std::function<bool()>& cancelled) {
  HttpRequestOptions options;
  options.method = method;
  options.timeout = cancelled ? std::chrono::milliseconds(0) : timeout_;
  options.cancelled = cancelled;
  if (!body.is_null()) options.body = body.dump();
  auto result = http_request(base_url_ + path, options);
  if (result.cancelled) throw Interrupted();
  raise_unless_ok(result, base_url_, what, result.body);
  if (result.body.empty()) return json();
  auto parsed = json::parse(result.body, nullptr, false);
  if (parsed.is_discarded())
    throw Error(
        ExitCode::failed,
        fmt::format("{}: Ollama at {} answered something that is not JSON", what, base_url_),
        "is --ollama-url pointing at an Ollama server?");
  return parsed;
}

std::string OllamaApi::version() {
  return text(call("GET", "/api/version", json(), "cannot read Ollama's version"), "version");
}

std::vector<LocalModel> OllamaApi::tags() {
  return parse_tags(call("GET", "/api/tags", json(), "cannot list the models"));
}

std::vector<RunningModel> OllamaApi::ps() {
  return parse_ps(call("GET", "/api/ps", json(), "cannot list the loaded models"));
}

ModelShow OllamaApi::show(const std::string& name, const std::string& what) {
  return parse_show(call("POST", "/api/show", json{{"model", name}},
                         what.empty() ? fmt::format("cannot show {}", name) : what));
}

void OllamaApi::remove(const std::string& name) {
  call("DELETE", "/api/delete", json{{"model", name}}, fmt::format("cannot remove {}", name));
}

void OllamaApi::load(const std::string& name, const json& keep_alive,
                     const std::function<bool()>& cancelled) {
  json body{{"model", name}, {"stream", false}};
  if (!keep_alive.is_null()) body["keep_alive"] = keep_alive;
  // A function, even one that never cancels, is what lifts the timeout.
  call(
      "POST", "/api/generate", body, fmt::format("cannot load {}", name),
      cancelled ? cancelled : [] { return false; });
}

void OllamaApi::unload(const std::string& name) {
  call("POST", "/api/generate", json{{"model", name}, {"keep_alive", 0}, {"stream", false}},
       fmt::format("cannot unload {}", name));
}

void OllamaApi::pull(const std::string& name, const std::function<void(const PullEvent&)>& on_event,
                     const std::function<bool()>& cancelled) {
  PullStreamParser parser;
  std::string head;  // the first bytes, for an error answer that is not a stream
  HttpRequestOptions options;
  options.method = "POST";
  options.body = json{{"model", name}, {"stream", true}}.dump();
  options.timeout = std::chrono::milliseconds(0);  // a large model takes as long as it takes
  options.cancelled = cancelled;
  options.on_data = [&](int status, std::string_view bytes) {
    if (head.size() < 4096) head.append(bytes.substr(0, 4096 - head.size()));
    if (status != 200) return true;  // an error answer, not a stream: read below
    for (const auto& event : parser.feed(bytes)) on_event(event);
    return !(cancelled && cancelled());
  };
  auto result = http_request(base_url_ + "/api/pull", options);
  if (result.cancelled || (cancelled && cancelled())) throw Interrupted();
  raise_unless_ok(result, base_url_, "cannot pull " + name, head,
                  "check the model's name and tag (https://ollama.com/library)");
  if (!result.error.empty())
    throw Error(ExitCode::failed,
                fmt::format("pulling {} stopped: the connection to Ollama at {} broke ({})", name,
                            base_url_, result.error),
                "pull again: Ollama keeps what it downloaded and continues from there");
  for (const auto& event : parser.finish()) on_event(event);
}

}  // namespace ollama_stack::stack
