#include "ollama_stack/cli/table.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace ollama_stack::cli {
namespace {

constexpr std::size_t kSeparatorWidth = 2;
constexpr std::size_t kMinShrunkWidth = 5;

void rtrim_spaces(std::string& line) {
  const auto end = line.find_last_not_of(' ');
  line.erase(end == std::string::npos ? 0 : end + 1);
}

}  // namespace

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::add_row(std::vector<std::string> cells) {
  if (cells.size() != columns_.size()) {
    throw std::invalid_argument("table row has " + std::to_string(cells.size()) +
                                " cells, expected " + std::to_string(columns_.size()));
  }
  rows_.push_back(std::move(cells));
}

std::vector<std::size_t> Table::column_widths(std::size_t terminal_width) const {
  const std::size_t n = columns_.size();
  std::vector<std::size_t> widths(n);
  std::vector<std::size_t> floors(n);
  for (std::size_t c = 0; c < n; ++c) {
    const std::size_t header = display_width(columns_[c].header);
    std::size_t w = header;
    for (const auto& row : rows_) w = std::max(w, display_width(row[c]));
    if (columns_[c].max_width > 0) w = std::min(w, columns_[c].max_width);
    widths[c] = w;
    floors[c] = columns_[c].truncatable ? std::min(w, std::max(header, kMinShrunkWidth)) : w;
  }
  if (terminal_width == 0 || n == 0) return widths;

  std::size_t total = kSeparatorWidth * (n - 1);
  for (auto w : widths) total += w;
  while (total > terminal_width) {
    std::size_t widest = n;
    for (std::size_t c = 0; c < n; ++c) {
      if (widths[c] > floors[c] && (widest == n || widths[c] > widths[widest])) widest = c;
    }
    if (widest == n) break;  // nothing left to shrink
    --widths[widest];
    --total;
  }
  return widths;
}

void Table::render(std::ostream& out, const TerminalCaps& caps) const {
  const auto widths = column_widths(caps.width > 0 ? static_cast<std::size_t>(caps.width) : 0);
  const Style style(caps);
  const std::string_view ellipsis = glyphs(caps.unicode).ellipsis;

  auto emit = [&](const std::vector<std::string>& cells, bool header) {
    std::string line;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      if (c > 0) line.append(kSeparatorWidth, ' ');
      // Pad outside the bold codes so the header's escape sequences never hold spaces.
      const std::string text = truncate_to_width(cells[c], widths[c], ellipsis);
      const std::string shown = header ? style.bold(text) : text;
      const std::size_t pad = widths[c] - std::min(widths[c], display_width(text));
      if (columns_[c].align == Align::right) line.append(pad, ' ');
      line.append(shown);
      if (columns_[c].align == Align::left) line.append(pad, ' ');
    }
    rtrim_spaces(line);
    out << line << '\n';
  };

  std::vector<std::string> headers;
  headers.reserve(columns_.size());
  for (const auto& col : columns_) headers.push_back(col.header);
  emit(headers, true);
  for (const auto& row : rows_) emit(row, false);
}

std::string Table::render(const TerminalCaps& caps) const {
  std::ostringstream out;
  render(out, caps);
  return out.str();
}

}  // namespace ollama_stack::cli
