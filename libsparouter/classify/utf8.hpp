// Small UTF-8 helpers for the classifier: validation, code point counts, safe truncation, and
// the character classes keyword matching needs. No locale, no allocation unless asked.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sparouter::classify {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point at text[pos] and advances pos past it. A malformed sequence (bad lead,
// bad continuation, overlong, surrogate, > U+10FFFF, truncated) yields false and advances by 1.
bool decode_utf8(std::string_view text, size_t& pos, char32_t& cp) noexcept;

void append_utf8(std::string& out, char32_t cp);

bool is_valid_utf8(std::string_view text) noexcept;

// Code points in valid UTF-8 (counts lead bytes; on malformed text, a count of non-continuation
// bytes, which never exceeds the byte length).
size_t count_code_points(std::string_view text) noexcept;

// The longest prefix of `text` of at most max_bytes that does not split a code point.
std::string_view truncate_utf8(std::string_view text, size_t max_bytes) noexcept;

// Appends `text` with every malformed byte replaced by U+FFFD, so the result is valid UTF-8.
void append_sanitized_utf8(std::string& out, std::string_view text);

// Scripts written without spaces between words (Han, kana, Hangul, Thai, Lao, Khmer, Myanmar...):
// a keyword edge in one of them needs no word boundary.
bool is_unspaced_script(char32_t cp) noexcept;

// ASCII whitespace and the Unicode space separators (Zs, Zl, Zp).
bool is_space(char32_t cp) noexcept;

}  // namespace sparouter::classify
