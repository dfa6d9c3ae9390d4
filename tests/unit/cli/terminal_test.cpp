#include "ollama_stack/cli/terminal.hpp"

#include <gtest/gtest.h>

namespace ollama_stack::cli {
namespace {

TerminalFacts interactive() {
  TerminalFacts f;
  f.is_tty = true;
  f.term = "xterm-256color";
  f.lang = "en_US.UTF-8";
  f.window_columns = 120;
  return f;
}

TEST(Terminal, InteractiveUtf8TerminalGetsEverything) {
  const auto caps = detect_terminal(interactive());
  EXPECT_TRUE(caps.is_tty);
  EXPECT_TRUE(caps.color);
  EXPECT_TRUE(caps.unicode);
  EXPECT_EQ(caps.width, 120);
}

TEST(Terminal, NoColourWhenNotATerminal) {
  auto f = interactive();
  f.is_tty = false;
  f.window_columns.reset();
  const auto caps = detect_terminal(f);
  EXPECT_FALSE(caps.is_tty);
  EXPECT_FALSE(caps.color);
  EXPECT_TRUE(caps.unicode);  // glyphs follow the locale, not the TTY
  EXPECT_EQ(caps.width, 0);   // unlimited
}

TEST(Terminal, NoColorWithAnyNonEmptyValueDisablesColour) {
  for (const char* value : {"1", "0", "false", "yes"}) {
    auto f = interactive();
    f.no_color = value;
    EXPECT_FALSE(detect_terminal(f).color) << value;
    EXPECT_TRUE(detect_terminal(f).is_tty) << value;
  }
}

TEST(Terminal, EmptyNoColorIsIgnoredAsTheSpecSays) {
  auto f = interactive();
  f.no_color = "";
  EXPECT_TRUE(detect_terminal(f).color);
}

TEST(Terminal, NoColorFlagDisablesColour) {
  auto f = interactive();
  f.no_color_flag = true;
  EXPECT_FALSE(detect_terminal(f).color);
  EXPECT_TRUE(detect_terminal(f).is_tty);
}

TEST(Terminal, DumbTerminalGetsPlainAsciiOutput) {
  auto f = interactive();
  f.term = "dumb";
  const auto caps = detect_terminal(f);
  EXPECT_FALSE(caps.is_tty);
  EXPECT_FALSE(caps.color);
  EXPECT_FALSE(caps.unicode);
  EXPECT_EQ(caps.width, 120);
}

TEST(Terminal, UnsetTermIsNotASmartTerminal) {
  auto f = interactive();
  f.term.reset();
  EXPECT_FALSE(detect_terminal(f).is_tty);
  EXPECT_FALSE(detect_terminal(f).color);
  EXPECT_TRUE(detect_terminal(f).unicode);
}

TEST(Terminal, LocalePrecedenceDecidesUnicode) {
  auto f = interactive();
  f.lang.reset();
  EXPECT_FALSE(detect_terminal(f).unicode);  // no locale = "C"
  f.lang = "C.utf8";
  EXPECT_TRUE(detect_terminal(f).unicode);
  f.lc_ctype = "POSIX";
  EXPECT_FALSE(detect_terminal(f).unicode);  // LC_CTYPE beats LANG
  f.lc_all = "de_DE.UTF-8@euro";
  EXPECT_TRUE(detect_terminal(f).unicode);  // LC_ALL beats both
  f.lc_all = "";
  EXPECT_FALSE(detect_terminal(f).unicode);  // empty means unset
}

TEST(Terminal, WidthPrefersValidColumns) {
  auto f = interactive();
  f.columns = "100";
  EXPECT_EQ(detect_terminal(f).width, 100);
  for (const char* bad : {"", "0", "-5", "abc", "80x"}) {
    f.columns = bad;
    EXPECT_EQ(detect_terminal(f).width, 120) << bad;
  }
  f.columns.reset();
  f.window_columns.reset();
  EXPECT_EQ(detect_terminal(f).width, 80);
  f.is_tty = false;
  f.columns = "60";
  EXPECT_EQ(detect_terminal(f).width, 60);
}

TEST(Terminal, GlyphsHaveAsciiFallbacks) {
  EXPECT_EQ(glyphs(true).ok, "✓");
  EXPECT_EQ(glyphs(true).failed, "✗");
  EXPECT_EQ(glyphs(true).ellipsis, "…");
  EXPECT_EQ(glyphs(false).ok, "+");
  EXPECT_EQ(glyphs(false).failed, "x");
  EXPECT_EQ(glyphs(false).ellipsis, "...");
  EXPECT_EQ(glyphs(false).spinner.size(), 4u);
  EXPECT_EQ(glyphs(true).spinner.size(), 10u);
}

TEST(Style, WrapsOnlyWhenColourIsOn) {
  const Style on(true);
  const Style off(false);
  EXPECT_EQ(on.bold("x"), "\x1b[1mx\x1b[0m");
  EXPECT_EQ(on.red("err"), "\x1b[31merr\x1b[0m");
  EXPECT_EQ(on.green("ok"), "\x1b[32mok\x1b[0m");
  EXPECT_EQ(on.yellow("w"), "\x1b[33mw\x1b[0m");
  EXPECT_EQ(on.cyan("c"), "\x1b[36mc\x1b[0m");
  EXPECT_EQ(on.dim("d"), "\x1b[2md\x1b[0m");
  EXPECT_EQ(off.bold("x"), "x");
  EXPECT_EQ(off.red("err"), "err");
  EXPECT_EQ(off.service("ollama"), "ollama");
}

TEST(Style, ServiceColourIsStableAndNeverRed) {
  const Style on(true);
  EXPECT_EQ(on.service("ollama"), on.service("ollama"));
  EXPECT_EQ(on.service("webui", "webui  | "),
            "\x1b[" + std::string(service_color_code("webui")) + "mwebui  | \x1b[0m");
  // Pinned: a change here recolours every user's logs.
  EXPECT_EQ(service_color_code("ollama"), "33");
  EXPECT_EQ(service_color_code("webui"), "96");
  EXPECT_EQ(service_color_code("mcpo"), "95");
  for (const char* name : {"ollama", "webui", "mcpo", "a", "b", "c", "d", "e", "f", "g"}) {
    EXPECT_NE(service_color_code(name), "31") << name;
  }
  EXPECT_NE(service_color_code("ollama"), service_color_code("webui"));
}

}  // namespace
}  // namespace ollama_stack::cli

namespace ollama_stack::cli {
namespace {

TEST(TerminalFacts, FromAnInjectedEnvironment) {
  const EnvLookup env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "TERM") return "xterm";
    if (name == "LANG") return "en_GB.UTF-8";
    if (name == "NO_COLOR") return "1";
    return std::nullopt;
  };
  const auto f = terminal_facts_from_env(env, true, false, 100);
  EXPECT_EQ(f.term, "xterm");
  EXPECT_FALSE(f.lc_all.has_value());
  const auto caps = detect_terminal(f);
  EXPECT_TRUE(caps.is_tty);
  EXPECT_FALSE(caps.color);
  EXPECT_TRUE(caps.unicode);
  EXPECT_EQ(caps.width, 100);
}

TEST(TerminalFacts, RealProcessHelperDoesNotThrow) {
  // Under a test runner stdin may or may not be a terminal; only check that it answers sanely.
  const auto f = read_terminal_facts(-1, true);
  EXPECT_FALSE(f.is_tty);
  EXPECT_TRUE(f.no_color_flag);
  EXPECT_FALSE(f.window_columns.has_value());
}

}  // namespace
}  // namespace ollama_stack::cli
