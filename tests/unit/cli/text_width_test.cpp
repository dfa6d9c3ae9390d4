#include "ollama_stack/cli/text_width.hpp"

#include <gtest/gtest.h>

namespace ollama_stack::cli {
namespace {

TEST(TextWidth, AsciiIsOneColumnEach) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("ollama"), 6u);
  EXPECT_EQ(display_width("a b\tc"), 4u);  // the tab is a control character: 0
}

TEST(TextWidth, CjkAndFullwidthAreTwoColumns) {
  EXPECT_EQ(display_width("日本語"), 6u);
  EXPECT_EQ(display_width("한국어"), 6u);
  EXPECT_EQ(display_width("ＡＢ"), 4u);  // fullwidth Latin
  EXPECT_EQ(display_width("ｶﾀｶﾅ"), 4u);  // halfwidth katakana stays narrow
  EXPECT_EQ(display_width("模型 llama3"), 11u);
  EXPECT_EQ(display_width("\U00020000"), 2u);  // CJK Extension B (plane 2)
}

TEST(TextWidth, EmojiAreTwoColumns) {
  EXPECT_EQ(display_width("🦙"), 2u);
  EXPECT_EQ(display_width("🚀 ok"), 5u);
  EXPECT_EQ(display_width("✅"), 2u);
  EXPECT_EQ(display_width("✓"), 1u);  // not an emoji: a plain check mark
  EXPECT_EQ(display_width("…"), 1u);
}

TEST(TextWidth, CombiningMarksAreZeroColumns) {
  EXPECT_EQ(display_width("e\u0301"), 1u);  // e + combining acute
  EXPECT_EQ(display_width("Cafe\u0301 au lait"), 12u);
  EXPECT_EQ(display_width("a\u20DD"), 1u);       // enclosing circle
  EXPECT_EQ(display_width("a\u200Bb"), 2u);      // zero width space
  EXPECT_EQ(display_width("\uFEFFx"), 1u);       // BOM
  EXPECT_EQ(display_width("\u1100\u1161"), 2u);  // conjoining Hangul jamo: one syllable
  EXPECT_EQ(display_width("\u00AD"), 1u);        // soft hyphen is visible
}

TEST(TextWidth, AnsiEscapesAreZeroColumns) {
  EXPECT_EQ(display_width("\x1b[1;31mred\x1b[0m"), 3u);
  EXPECT_EQ(display_width("\x1b[38;5;208m日本\x1b[m"), 4u);
  EXPECT_EQ(display_width("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"), 4u);  // OSC 8 hyperlink
  EXPECT_EQ(display_width("\x1b]0;title\x07ok"), 2u);                        // OSC ended by BEL
  EXPECT_EQ(display_width("ab\x1b[31"), 2u);                                 // cut-off CSI
  EXPECT_EQ(strip_ansi("\x1b[1mbold\x1b[0m and \x1b[32mgreen\x1b[0m"), "bold and green");
}

TEST(TextWidth, InvalidUtf8CountsOneColumnPerByte) {
  EXPECT_EQ(display_width("a\xff"
                          "b"),
            3u);
  EXPECT_EQ(display_width("\xe6\x97"), 2u);      // truncated 3-byte sequence
  EXPECT_EQ(display_width("\xc0\xaf"), 2u);      // overlong encoding of '/'
  EXPECT_EQ(display_width("\xed\xa0\x80"), 3u);  // UTF-16 surrogate
}

TEST(CodepointWidth, TableBoundaries) {
  EXPECT_EQ(codepoint_width(U'\0'), 0);
  EXPECT_EQ(codepoint_width(0x7f), 0);
  EXPECT_EQ(codepoint_width(0x9f), 0);
  EXPECT_EQ(codepoint_width(U'A'), 1);
  EXPECT_EQ(codepoint_width(0x02ff), 1);
  EXPECT_EQ(codepoint_width(0x0300), 0);
  EXPECT_EQ(codepoint_width(0x036f), 0);
  EXPECT_EQ(codepoint_width(0x0370), 1);
  EXPECT_EQ(codepoint_width(0x10ff), 1);
  EXPECT_EQ(codepoint_width(0x1100), 2);
  EXPECT_EQ(codepoint_width(0x115f), 2);
  EXPECT_EQ(codepoint_width(0x1160), 0);
  EXPECT_EQ(codepoint_width(0x303e), 2);
  EXPECT_EQ(codepoint_width(0x303f), 1);  // half-fill space: narrow in the middle of CJK
  EXPECT_EQ(codepoint_width(0xac00), 2);
  EXPECT_EQ(codepoint_width(0xd7a3), 2);
  EXPECT_EQ(codepoint_width(0xd7a4), 1);
  EXPECT_EQ(codepoint_width(0x1f600), 2);
  EXPECT_EQ(codepoint_width(0xe0100), 0);  // variation selector supplement
  EXPECT_EQ(codepoint_width(0x10ffff), 1);
}

TEST(Truncate, LeavesTextThatFits) {
  EXPECT_EQ(truncate_to_width("ollama", 6), "ollama");
  EXPECT_EQ(truncate_to_width("ollama", 10), "ollama");
  EXPECT_EQ(truncate_to_width("", 0), "");
}

TEST(Truncate, CutsWithEllipsis) {
  EXPECT_EQ(truncate_to_width("open-webui", 6), "open-…");
  EXPECT_EQ(truncate_to_width("open-webui", 6, "..."), "ope...");
  EXPECT_EQ(truncate_to_width("open-webui", 1), "…");
  EXPECT_EQ(truncate_to_width("open-webui", 0), "");
  EXPECT_EQ(truncate_to_width("open-webui", 2, "..."), "..");  // ellipsis itself cut
  EXPECT_EQ(truncate_to_width("open-webui", 5, ""), "open-");
}

TEST(Truncate, NeverSplitsAWideCharacterOrDetachesAMark) {
  EXPECT_EQ(truncate_to_width("日本語テキスト", 6), "日本…");  // 5 columns: 語 would not fit
  EXPECT_EQ(display_width(truncate_to_width("日本語テキスト", 6)), 5u);
  EXPECT_EQ(truncate_to_width("cafe\u0301st", 5), "cafe\u0301…");
  EXPECT_EQ(truncate_to_width("🦙🦙🦙", 4), "🦙…");
}

TEST(Truncate, KeepsEscapesAndResetsColour) {
  EXPECT_EQ(truncate_to_width("\x1b[31mrunning-long\x1b[0m", 5), "\x1b[31mrunn…\x1b[0m");
  EXPECT_EQ(truncate_to_width("\x1b[31mok\x1b[0m", 2), "\x1b[31mok\x1b[0m");  // fits: unchanged
}

TEST(Pad, PadsByDisplayWidth) {
  EXPECT_EQ(pad_to_width("ab", 4), "ab  ");
  EXPECT_EQ(pad_to_width("ab", 4, Align::right), "  ab");
  EXPECT_EQ(pad_to_width("日本", 6), "日本  ");
  EXPECT_EQ(pad_to_width("\x1b[1mab\x1b[0m", 3), "\x1b[1mab\x1b[0m ");
  EXPECT_EQ(pad_to_width("toolong", 3), "toolong");
}

TEST(Fit, IsAlwaysExactlyTheWidth) {
  EXPECT_EQ(fit_to_width("日本語", 5), "日本…");
  EXPECT_EQ(fit_to_width("日本語", 4), "日… ");  // 日… is 3 columns, padded to 4
  EXPECT_EQ(fit_to_width("42", 5, Align::right), "   42");
  for (std::size_t w = 0; w < 12; ++w) {
    EXPECT_EQ(display_width(fit_to_width("🦙 e\u0301 日本 \x1b[1mx\x1b[0m", w)), w) << w;
  }
}

}  // namespace
}  // namespace ollama_stack::cli
