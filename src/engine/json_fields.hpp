#pragma once
// Reading the engine's JSON answers: shared by the client's source files (not a public header).
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "ollama_stack/engine/errors.hpp"
#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::engine::detail {

// Parses an answer; a body that is not JSON is a protocol error naming the call.
inline nlohmann::json parse_answer(const std::string& body, const std::string& what) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded())
    throw EngineError(EngineError::Kind::protocol, fmt::format("the engine's answer to {} is not valid JSON", what));
  return json;
}

// The string members of a "Labels" object (null or absent: none).
inline Labels labels_of(const nlohmann::json& object) {
  Labels labels;
  if (object.is_object())
    for (const auto& [key, value] : object.items())
      if (value.is_string()) labels[key] = value.get<std::string>();
  return labels;
}

}  // namespace ollama_stack::engine::detail
