#pragma once
// How the compose-to-JSON conversions write a field: only when the file sets it, so an unset
// field stays out of the engine's body (and of `config --json`) exactly as Docker Compose leaves
// it out.
#include <nlohmann/json.hpp>
#include <optional>
#include <type_traits>

namespace ollama_stack::compose {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

// Sets out[key] when `value` is set: an optional with a value (its value), a true flag, a
// non-zero number, a non-empty text, list or map.
template <class T>
void put_if_set(nlohmann::json& out, const char* key, const T& value) {
  if constexpr (is_optional<T>::value) {
    if (value) out[key] = *value;
  } else if constexpr (std::is_arithmetic_v<T>) {
    if (value != T{}) out[key] = value;
  } else {
    if (!value.empty()) out[key] = value;
  }
}

}  // namespace ollama_stack::compose
