#pragma once
// Sorted, non-overlapping code point ranges used by text_width.cpp (private to src/cli/output).
#include <cstddef>

namespace ollama_stack::cli::detail {

struct CodepointRange {
  char32_t first;
  char32_t last;
};

extern const CodepointRange kZeroWidthRanges[];
extern const std::size_t kZeroWidthRangeCount;
extern const CodepointRange kWideRanges[];
extern const std::size_t kWideRangeCount;

}  // namespace ollama_stack::cli::detail
