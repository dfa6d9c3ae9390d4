#include "ollama_stack/cli/table.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "golden_file.hpp"

namespace ollama_stack::cli {
namespace {

using ollama_stack::testing::expect_golden;

TerminalCaps plain(int width = 0, bool unicode = false) {
  return TerminalCaps{.is_tty = false, .color = false, .unicode = unicode, .width = width};
}

Table services() {
  Table t({{"SERVICE"}, {"STATE"}, {"HEALTH"}, {"UPTIME", Align::right}, {"PORTS"}});
  t.add_row({"ollama", "running", "healthy", "3m 05s", "0.0.0.0:11434->11434/tcp"});
  t.add_row({"webui", "running", "starting", "12.1s", "0.0.0.0:3000->8080/tcp"});
  t.add_row({"mcpo", "exited (1)", "", "", ""});
  return t;
}

Table models() {
  Table t({{"NAME"}, {"SIZE", Align::right}, {"MODIFIED"}, {"NOTE"}});
  t.add_row({"llama3.1:8b", "4.7 GiB", "2 days ago", "default"});
  t.add_row({"qwen2.5:7b-中文", "4.4 GiB", "3 weeks ago", "中文对话模型"});
  t.add_row({"🦙-custom:latest", "812 MiB", "5 minutes ago", "🚀 fast"});
  t.add_row({"cafe\u0301-mistral", "4.1 GiB", "1 hour ago", "re\u0301sume\u0301"});
  return t;
}

TEST(Table, AsciiGolden) { expect_golden(services().render(plain()), "cli_table_ascii.txt"); }

TEST(Table, UnicodeGolden) {
  expect_golden(models().render(plain(0, true)), "cli_table_unicode.txt");
}

TEST(Table, TruncatedGolden) {
  // A column limit of its own, then fitted to a 60-column terminal.
  Table t({{"NAME", Align::left, 14}, {"SIZE", Align::right}, {"DIGEST"}, {"NOTE"}});
  t.add_row(
      {"llama3.1:8b-instruct-q4_K_M", "4.7 GiB", "sha256:8eeb52dfb3bb", "the default chat model"});
  t.add_row(
      {"qwen2.5:7b-中文-instruct", "4.4 GiB", "sha256:845dbda0ea48", "中文对话模型，适合长文本"});
  t.add_row({"tiny", "45 MiB", "sha256:0a8c26691023", ""});
  std::string out = "--- unicode, width 60\n" + t.render(plain(60, true));
  out += "--- ascii, width 60\n" + t.render(plain(60, false));
  out += "--- ascii, unlimited\n" + t.render(plain(0, false));
  expect_golden(out, "cli_table_truncated.txt");
}

TEST(Table, ColumnsAreExactlyAsWideAsTheirWidestCell) {
  EXPECT_EQ(services().column_widths(0), (std::vector<std::size_t>{7, 10, 8, 6, 24}));
  EXPECT_EQ(models().column_widths(0), (std::vector<std::size_t>{16, 7, 13, 12}));
}

TEST(Table, FittingShrinksTheWidestTruncatableColumn) {
  // Natural total: 7+10+8+6+24 + 4*2 = 63.
  EXPECT_EQ(services().column_widths(63), (std::vector<std::size_t>{7, 10, 8, 6, 24}));
  EXPECT_EQ(services().column_widths(50), (std::vector<std::size_t>{7, 10, 8, 6, 11}));
  // The widest shrinks first (leftmost on ties), each down to max(header width, 5).
  EXPECT_EQ(services().column_widths(40), (std::vector<std::size_t>{7, 6, 6, 6, 7}));
  EXPECT_EQ(services().column_widths(37), (std::vector<std::size_t>{7, 5, 6, 6, 5}));
  // Nothing more to take: the table stays wider than the terminal.
  EXPECT_EQ(services().column_widths(10), (std::vector<std::size_t>{7, 5, 6, 6, 5}));
}

TEST(Table, NonTruncatableColumnsKeepTheirWidth) {
  Table t({{"ID", Align::left, 0, false}, {"NAME"}});
  t.add_row({"0123456789abcdef", "a-rather-long-name"});
  EXPECT_EQ(t.column_widths(26), (std::vector<std::size_t>{16, 8}));
  EXPECT_EQ(t.render(plain(26)), "ID                NAME\n0123456789abcdef  a-rat...\n");
}

TEST(Table, NoTrailingWhitespace) {
  const std::string out = services().render(plain());
  EXPECT_EQ(out.find(" \n"), std::string::npos);
  EXPECT_NE(out.find("\nmcpo     exited (1)\n"), std::string::npos);
}

TEST(Table, BoldHeaderAndColouredCellsAlign) {
  Table t({{"SERVICE"}, {"STATE"}, {"N", Align::right}});
  const Style style(true);
  t.add_row({style.service("ollama"), style.green("running"), "1"});
  t.add_row({"webui", style.red("exited"), "10"});
  const auto caps = TerminalCaps{.is_tty = true, .color = true, .unicode = true, .width = 80};
  const std::string out = t.render(caps);
  EXPECT_EQ(out, "\x1b[1mSERVICE\x1b[0m  \x1b[1mSTATE\x1b[0m     \x1b[1mN\x1b[0m\n" +
                     style.service("ollama") +
                     "   \x1b[32mrunning\x1b[0m   1\n"
                     "webui    \x1b[31mexited\x1b[0m   10\n");
  EXPECT_EQ(strip_ansi(out), "SERVICE  STATE     N\nollama   running   1\nwebui    exited   10\n");
}

TEST(Table, HeaderOnlyAndRowSizeCheck) {
  Table t({{"A"}, {"B"}});
  EXPECT_EQ(t.render(plain()), "A  B\n");
  EXPECT_THROW(t.add_row({"only one"}), std::invalid_argument);
  EXPECT_EQ(t.row_count(), 0u);
}

}  // namespace
}  // namespace ollama_stack::cli
