#include "ollama_stack/cli/json_output.hpp"

#include <stdexcept>

namespace ollama_stack::cli {
namespace {

constexpr auto kReplaceInvalidUtf8 = nlohmann::json::error_handler_t::replace;

}  // namespace

void write_json(std::ostream& out, const nlohmann::json& doc) {
  out << doc.dump(2, ' ', false, kReplaceInvalidUtf8) << '\n';
  out.flush();
}

nlohmann::json with_schema_version(nlohmann::json doc, int version) {
  if (!doc.is_object()) {
    throw std::invalid_argument("with_schema_version: the JSON document must be an object");
  }
  doc["schema_version"] = version;
  return doc;
}

void JsonLinesWriter::write(const nlohmann::json& event) {
  // Serialise outside the lock; only the write itself needs to be atomic.
  const std::string line = event.dump(-1, ' ', false, kReplaceInvalidUtf8);
  std::lock_guard lock(mutex_);
  out_ << line << '\n';
  out_.flush();
}

}  // namespace ollama_stack::cli
