#pragma once
// Variable interpolation in compose values: $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
// ${VAR:?message}, ${VAR?message}, ${VAR:+alternative}, ${VAR+alternative}, nesting inside the
// default/alternative/message (${A:-${B:-c}}), and $$ for a literal $. Variables come from an
// injected lookup, never from the process environment.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ollama_stack::compose {

struct Node;

using VariableLookup = std::function<std::optional<std::string>(std::string_view)>;

struct Interpolated {
  std::string value;
  std::vector<std::string> unset_variables;  // used without a default: replaced by ""
};

// Throws ConfigError "<where>: ..." for malformed text (unterminated "${", bad name, lone "$")
// and for ${VAR?msg} / ${VAR:?msg} when VAR is missing. A null lookup treats every variable as
// unset.
Interpolated interpolate(std::string_view text, const VariableLookup& lookup,
                         std::string_view where = {});

// Interpolates every scalar value (not keys) of a parsed document in place. Each unset variable
// adds one warning (the first place it is used) to `warnings`.
void interpolate_document(Node& document, const VariableLookup& lookup,
                          std::vector<std::string>& warnings);

}  // namespace ollama_stack::compose
