#include "classify/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sparouter::classify {
namespace {

TEST(Utf8, DecodesEveryLength) {
  const std::string text = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80";  // a é 中 😀
  size_t pos = 0;
  char32_t cp = 0;
  ASSERT_TRUE(decode_utf8(text, pos, cp));
  EXPECT_EQ(cp, U'a');
  ASSERT_TRUE(decode_utf8(text, pos, cp));
  EXPECT_EQ(cp, U'\u00E9');
  ASSERT_TRUE(decode_utf8(text, pos, cp));
  EXPECT_EQ(cp, U'\u4E2D');
  ASSERT_TRUE(decode_utf8(text, pos, cp));
  EXPECT_EQ(cp, U'\U0001F600');
  EXPECT_EQ(pos, text.size());
}

TEST(Utf8, RejectsMalformedSequences) {
  for (const std::string& bad : {
           std::string("\x80"),              // lone continuation
           std::string("\xC0\xAF"),          // overlong
           std::string("\xE0\x80\xAF"),      // overlong
           std::string("\xED\xA0\x80"),      // surrogate
           std::string("\xF4\x90\x80\x80"),  // above U+10FFFF
           std::string("\xE4\xB8"),          // truncated
           std::string("\xFF"),
       }) {
    EXPECT_FALSE(is_valid_utf8(bad)) << testing::PrintToString(bad);
    size_t pos = 0;
    char32_t cp = 0;
    EXPECT_FALSE(decode_utf8(bad, pos, cp));
    EXPECT_EQ(pos, 1u);  // always makes progress
  }
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8, CountsCodePoints) {
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("\xE4\xBD\xA0\xE5\xA5\xBD"), 2u);  // 你好
  EXPECT_EQ(count_code_points("\xF0\x9F\x98\x80!"), 2u);
}

TEST(Utf8, TruncatesOnCodePointBoundary) {
  const std::string text = "ab\xE4\xBD\xA0\xE5\xA5\xBD";  // ab你好: 8 bytes
  EXPECT_EQ(truncate_utf8(text, 100), text);
  EXPECT_EQ(truncate_utf8(text, 8), text);
  EXPECT_EQ(truncate_utf8(text, 7), "ab\xE4\xBD\xA0");
  EXPECT_EQ(truncate_utf8(text, 5), "ab\xE4\xBD\xA0");
  EXPECT_EQ(truncate_utf8(text, 4), "ab");
  EXPECT_EQ(truncate_utf8(text, 2), "ab");
  EXPECT_EQ(truncate_utf8(text, 0), "");
}

TEST(Utf8, SanitizeReplacesOnlyBadBytes) {
  std::string out;
  append_sanitized_utf8(out, "ok\xFF\xE4\xBD\xA0\xC3");
  EXPECT_EQ(out, "ok\xEF\xBF\xBD\xE4\xBD\xA0\xEF\xBF\xBD");
  EXPECT_TRUE(is_valid_utf8(out));
}

TEST(Utf8, AppendEncodesEveryLength) {
  std::string out;
  for (char32_t cp : {U'a', U'\u00E9', U'\u4E2D', U'\U0001F600'}) append_utf8(out, cp);
  EXPECT_EQ(out, "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80");
}

TEST(Utf8, UnspacedScripts) {
  EXPECT_TRUE(is_unspaced_script(U'\u4EE3'));  // 代
  EXPECT_TRUE(is_unspaced_script(U'\u3053'));  // こ
  EXPECT_TRUE(is_unspaced_script(U'\u30B3'));  // コ
  EXPECT_TRUE(is_unspaced_script(U'\uCF54'));  // 코
  EXPECT_TRUE(is_unspaced_script(U'\u0E01'));  // Thai ก
  EXPECT_TRUE(is_unspaced_script(U'\U00020000'));
  EXPECT_FALSE(is_unspaced_script(U'a'));
  EXPECT_FALSE(is_unspaced_script(U'\u00E9'));
  EXPECT_FALSE(is_unspaced_script(U'\u0436'));  // Cyrillic ж
  EXPECT_FALSE(is_unspaced_script(U'\u3000'));  // ideographic space
}

TEST(Utf8, Spaces) {
  for (char32_t cp : {U' ', U'\t', U'\n', U'\r', U'\u00A0', U'\u2003', U'\u3000'}) {
    EXPECT_TRUE(is_space(cp)) << static_cast<unsigned>(cp);
  }
  EXPECT_FALSE(is_space(U'a'));
  EXPECT_FALSE(is_space(U'_'));
  EXPECT_FALSE(is_space(U'\u4E2D'));
}

}  // namespace
}  // namespace sparouter::classify
