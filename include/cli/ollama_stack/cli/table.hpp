#pragma once
// Column-aligned tables for human output (status, models, extensions, ...).
//
// Layout: every column exactly as wide as its widest cell (header included, ANSI codes not
// counted), columns separated by two spaces, no trailing whitespace, header in bold when colour
// is on. A column's max_width truncates its cells with an ellipsis. When the terminal has a
// width, the table is fitted to it by shrinking the widest truncatable column one column at a
// time (the leftmost on ties) down to a floor of max(header width, 5); if that is not enough
// the lines are left longer than the terminal rather than made unreadable.
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/cli/text_width.hpp"

namespace ollama_stack::cli {

struct Column {
  std::string header;
  Align align = Align::left;
  std::size_t max_width = 0;  // 0 = no limit of its own
  bool truncatable = true;    // may shrink to fit the terminal
};

class Table {
 public:
  explicit Table(std::vector<Column> columns);

  // Throws std::invalid_argument if the row has a different number of cells than columns.
  void add_row(std::vector<std::string> cells);
  std::size_t row_count() const { return rows_.size(); }

  // Uses caps.color (bold header), caps.unicode (ellipsis glyph) and caps.width (fitting).
  void render(std::ostream& out, const TerminalCaps& caps) const;
  std::string render(const TerminalCaps& caps) const;

  // Column widths render() would use for a terminal width (0 = unlimited); for tests.
  std::vector<std::size_t> column_widths(std::size_t terminal_width) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace ollama_stack::cli
