#include "classify/keyword_pattern.hpp"

#include <re2/re2.h>

#include <vector>

#include "classify/utf8.hpp"

namespace sparouter::classify {

namespace {

// Whitespace runs: RE2's \s plus every Unicode space separator, as utf8.hpp's is_space.
constexpr std::string_view kSpaceRun = R"([\s\p{Z}\x{0B}\x{85}]+)";
// ASCII characters that are not word characters.
constexpr std::string_view kAsciiNonWord = R"([\x00-\x2F\x3A-\x40\x5B-\x5E\x60\x7B-\x7F])";
// Anything but an ASCII word character (every non-ASCII character passes).
constexpr std::string_view kNotAsciiWord = R"([^0-9A-Za-z_])";

std::string bounded(const KeywordPattern& k, std::string_view neighbour) {
  std::string out;
  if (k.left_boundary) out.append("(?:^|").append(neighbour).append(")");
  out += k.core;
  if (k.right_boundary) out.append("(?:$|").append(neighbour).append(")");
  return out;
}

bool is_ascii_word(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
         cp == '_';
}

// A character next to a keyword edge that keeps the keyword from being a whole word.
bool glues(char32_t cp) { return !is_unspaced_script(cp) && is_word_code_point(cp); }

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The code point that ends at `end` (exclusive), or nullopt-like false when malformed.
bool code_point_before(std::string_view text, size_t end, char32_t& cp) {
  size_t start = end - 1;
  while (start > 0 && end - start < 4 && is_continuation(text[start])) --start;
  size_t pos = start;
  return decode_utf8(text, pos, cp) && pos == end;
}

}  // namespace

std::string KeywordPattern::strict() const { return bounded(*this, kAsciiNonWord); }

std::string KeywordPattern::loose() const { return bounded(*this, kNotAsciiWord); }

bool is_word_code_point(char32_t cp) {
  if (cp < 0x80) return is_ascii_word(cp);
  static const RE2 word(R"([\p{L}\p{M}\p{N}_])");  // compiled once; classifies one character
  std::string utf8;
  append_utf8(utf8, cp);
  return RE2::FullMatch(utf8, word);
}

Result<KeywordPattern> compile_keyword(std::string_view keyword) {
  if (!is_valid_utf8(keyword)) return invalid("", "keyword is not valid UTF-8");

  // Split on whitespace runs, remembering the first and last code points.
  std::vector<std::string_view> words;
  size_t pos = 0;
  size_t word_start = std::string_view::npos;
  char32_t first_cp = 0, last_cp = 0;
  while (pos < keyword.size()) {
    const size_t start = pos;
    char32_t cp = 0;
    decode_utf8(keyword, pos, cp);  // valid: checked above
    if (is_space(cp)) {
      if (word_start != std::string_view::npos) {
        words.push_back(keyword.substr(word_start, start - word_start));
        word_start = std::string_view::npos;
      }
      continue;
    }
    if (word_start == std::string_view::npos) {
      word_start = start;
      if (words.empty()) first_cp = cp;
    }
    last_cp = cp;
  }
  if (word_start != std::string_view::npos) words.push_back(keyword.substr(word_start));
  if (words.empty()) return invalid("", "keyword is empty");

  KeywordPattern out;
  out.core = "(?i:";
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out.core += kSpaceRun;
    out.core += RE2::QuoteMeta(re2::StringPiece(words[i].data(), words[i].size()));
  }
  out.core += ')';
  out.left_boundary = glues(first_cp);
  out.right_boundary = glues(last_cp);
  return out;
}

bool keyword_occurs(const RE2& core_re, const KeywordPattern& pattern, std::string_view text) {
  const re2::StringPiece piece(text.data(), text.size());
  re2::StringPiece m;
  size_t pos = 0;
  while (pos <= text.size() && core_re.Match(piece, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
    const auto start = static_cast<size_t>(m.data() - text.data());
    const size_t end = start + m.size();
    char32_t cp = 0;
    bool ok = true;
    if (pattern.left_boundary && start > 0) {
      ok = !code_point_before(text, start, cp) || !glues(cp);
    }
    if (ok && pattern.right_boundary && end < text.size()) {
      size_t next = end;
      ok = !decode_utf8(text, next, cp) || !glues(cp);
    }
    if (ok) return true;
    // Try the next start: occurrences may overlap ("aa" in "aaa").
    pos = start + 1;
    while (pos < text.size() && is_continuation(text[pos])) ++pos;
  }
  return false;
}

}  // namespace sparouter::classify
