#include "classify/utf8.hpp"

#include <cstdint>

namespace sparouter::classify {

namespace {

uint8_t byte_at(std::string_view text, size_t i) noexcept { return static_cast<uint8_t>(text[i]); }

bool is_continuation(uint8_t b) noexcept { return (b & 0xC0) == 0x80; }

}  // namespace

bool decode_utf8(std::string_view text, size_t& pos, char32_t& cp) noexcept {
  const size_t n = text.size();
  const uint8_t b0 = byte_at(text, pos);
  if (b0 < 0x80) {
    cp = b0;
    pos += 1;
    return true;
  }
  size_t len = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, min = 0x80, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, min = 0x800, cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, min = 0x10000, cp = b0 & 0x07;
  } else {
    pos += 1;
    return false;
  }
  if (n - pos < len) {
    pos += 1;
    return false;
  }
  for (size_t i = 1; i < len; ++i) {
    const uint8_t b = byte_at(text, pos + i);
    if (!is_continuation(b)) {
      pos += 1;
      return false;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    pos += 1;
    return false;
  }
  pos += len;
  return true;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_valid_utf8(std::string_view text) noexcept {
  size_t pos = 0;
  char32_t cp = 0;
  while (pos < text.size()) {
    if (byte_at(text, pos) < 0x80) {  // ASCII runs are the common case
      ++pos;
      continue;
    }
    if (!decode_utf8(text, pos, cp)) return false;
  }
  return true;
}

size_t count_code_points(std::string_view text) noexcept {
  size_t count = 0;
  for (char c : text) count += !is_continuation(static_cast<uint8_t>(c));
  return count;
}

std::string_view truncate_utf8(std::string_view text, size_t max_bytes) noexcept {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  // Step back over continuation bytes to the lead byte of the cut code point, then drop it.
  while (end > 0 && is_continuation(byte_at(text, end))) --end;
  return text.substr(0, end);
}

void append_sanitized_utf8(std::string& out, std::string_view text) {
  size_t pos = 0;
  char32_t cp = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    if (decode_utf8(text, pos, cp)) {
      out.append(text.data() + start, pos - start);
    } else {
      append_utf8(out, kReplacementChar);
    }
  }
}

namespace {

struct CodePointRange {
  char32_t first;
  char32_t last;  // inclusive
};

// Sorted and disjoint.
// clang-format off
constexpr CodePointRange kUnspaced[] = {
    {0x0E00, 0x0EFF},    // Thai, Lao
    {0x1000, 0x109F},    // Myanmar
    {0x1100, 0x11FF},    // Hangul Jamo
    {0x1780, 0x17FF},    // Khmer
    {0x2E80, 0x2FDF},    // CJK radicals, Kangxi radicals
    {0x3005, 0x3007},    // 々 〆 〇
    {0x3021, 0x3029},    // Hangzhou numerals
    {0x3031, 0x3035},    // kana repeat marks
    {0x3038, 0x303C},
    {0x3040, 0x30FF},    // Hiragana, Katakana
    {0x3100, 0x31BF},    // Bopomofo, Hangul compatibility Jamo, Kanbun
    {0x31F0, 0x31FF},    // Katakana phonetic extensions
    {0x3400, 0x4DBF},    // CJK extension A
    {0x4E00, 0x9FFF},    // CJK unified ideographs
    {0xA960, 0xA97F},    // Hangul Jamo extended A
    {0xAC00, 0xD7FF},    // Hangul syllables, Jamo extended B
    {0xF900, 0xFAFF},    // CJK compatibility ideographs
    {0xFF66, 0xFFDC},    // halfwidth Katakana and Hangul
    {0x1B000, 0x1B16F},  // kana supplement and extensions
    {0x20000, 0x3134F},  // CJK extensions B..G
};
// clang-format on

}  // namespace

bool is_unspaced_script(char32_t cp) noexcept {
  if (cp < kUnspaced[0].first) return false;
  for (const CodePointRange& r : kUnspaced) {
    if (cp < r.first) return false;
    if (cp <= r.last) return true;
  }
  return false;
}

bool is_space(char32_t cp) noexcept {
  switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

}  // namespace sparouter::classify
