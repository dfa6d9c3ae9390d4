#pragma once
// --json output: one document per invocation on stdout, or JSON Lines for streamed events.
// Strings that are not valid UTF-8 (container names and logs can hold anything) are written
// with U+FFFD in place of the bad bytes instead of failing the whole document.
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>

namespace ollama_stack::cli {

// Version of the documented --json schema; bump it on any incompatible change.
inline constexpr int kJsonSchemaVersion = 1;

// Writes doc with a 2-space indent and a trailing newline, then flushes.
void write_json(std::ostream& out, const nlohmann::json& doc);

// doc (an object) with "schema_version" set. Throws std::invalid_argument for a non-object.
nlohmann::json with_schema_version(nlohmann::json doc, int version = kJsonSchemaVersion);

// One compact JSON object per line, flushed after each, so a reader sees every event as it
// happens. Safe to call from several threads; lines never interleave.
class JsonLinesWriter {
 public:
  explicit JsonLinesWriter(std::ostream& out) : out_(out) {}
  void write(const nlohmann::json& event);

 private:
  std::ostream& out_;
  std::mutex mutex_;
};

}  // namespace ollama_stack::cli
