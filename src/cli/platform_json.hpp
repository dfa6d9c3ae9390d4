#pragma once
// The platform decision and the facts it rests on, as the --json documents of `version`, `check`
// and `status` show them (docs/json.md#platform).
#include <nlohmann/json.hpp>
#include <string>

#include "ollama_stack/stack/home/platform.hpp"

namespace ollama_stack::cli {

// {"name", "chosen_by", "reason", "gpu_request", "evidence", "warnings"}
nlohmann::json platform_json(const stack::PlatformDecision& decision);
// {"client": {...}, "endpoint", "endpoint_local", "engine_runs_here", "engine": {...}|null,
// "local": {...}|null}
nlohmann::json platform_facts_json(const stack::PlatformFacts& facts);

}  // namespace ollama_stack::cli
