#pragma once
// A client of the Ollama REST API (ollama/ollama docs/api.md) of the running stack or the native
// app: `/api/version`, `/api/tags`, `/api/ps`, `/api/show`, `/api/pull` (streamed), `/api/delete`,
// and `/api/generate` with no prompt, which loads or (keep_alive 0) unloads a model.
// Errors are one sentence each (Error, exit 1): Ollama cannot be reached, or what it answered.
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ollama_stack/stack/models/pull_stream.hpp"

namespace ollama_stack::stack {

struct ModelDetails {
  std::string format;  // "gguf"
  std::string family;  // "llama"
  std::vector<std::string> families;
  std::string parameter_size;      // "8.0B"
  std::string quantization_level;  // "Q4_0"
  std::string parent_model;
};

struct LocalModel {  // one entry of /api/tags
  std::string name;
  std::string model;
  std::string modified_at;  // RFC 3339
  int64_t size = 0;
  std::string digest;
  ModelDetails details;
};

struct RunningModel {  // one entry of /api/ps
  std::string name;
  std::string model;
  int64_t size = 0;       // memory the loaded model uses
  int64_t size_vram = 0;  // of which in GPU memory
  std::string digest;
  std::string expires_at;  // RFC 3339
  std::optional<int64_t> context_length;
  ModelDetails details;
};

struct ModelShow {  // /api/show
  std::string license;
  std::string modelfile;
  std::string parameters;  // "num_ctx 2048\nstop \"<|user|>\""
  std::string template_text;
  std::string modified_at;
  ModelDetails details;
  nlohmann::json model_info = nlohmann::json::object();
  std::vector<std::string> capabilities;
};

// Pure parsers of the answers (missing fields stay empty; wrong shapes throw Error).
std::vector<LocalModel> parse_tags(const nlohmann::json& answer);
std::vector<RunningModel> parse_ps(const nlohmann::json& answer);
ModelShow parse_show(const nlohmann::json& answer);
// What an error answer says: its {"error": …}, else its text (shortened), else "HTTP <status>".
std::string ollama_error_message(int status, std::string_view body);

class OllamaApi {
 public:
  // base_url: "http://127.0.0.1:11434" (no trailing slash needed).
  explicit OllamaApi(std::string base_url,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));
  const std::string& base_url() const { return base_url_; }

  std::string version();
  std::vector<LocalModel> tags();
  std::vector<RunningModel> ps();
  // `what` starts the error sentence (default "cannot show NAME").
  ModelShow show(const std::string& name, const std::string& what = "");
  void remove(const std::string& name);
  // A generate request with no prompt: Ollama answers once the model is in memory, which takes
  // as long as it takes (no timeout; `cancelled` stops it). keep_alive null: Ollama's default.
  void load(const std::string& name, const nlohmann::json& keep_alive,
            const std::function<bool()>& cancelled);
  // keep_alive 0: Ollama answers at once and unloads in the background.
  void unload(const std::string& name);
  // Streams the pull, calling on_event for every event as it arrives (including an {"error"}
  // event, which ends the stream). Throws Error when Ollama cannot be reached or answers with an
  // HTTP error, Interrupted when `cancelled` turns true.
  void pull(const std::string& name, const std::function<void(const PullEvent&)>& on_event,
            const std::function<bool()>& cancelled);

 private:
  // With `cancelled`, no timeout: it is polled instead, and Interrupted thrown when it turns true.
  nlohmann::json call(const std::string& method, const std::string& path,
                      const nlohmann::json& body, const std::string& what,
                      const std::function<bool()>& cancelled = {});
  std::string base_url_;
  std::chrono::milliseconds timeout_;
};

}  // namespace ollama_stack::stack
