#include "classify/keyword_pattern.hpp"

#include <re2/re2.h>

#include <cstring>
#include <vector>

#include "classify/literal_scan.hpp"
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

// The words ASCII-lower-cased when every character is ASCII or caseless; else nothing.
std::vector<std::string> fold_if_caseless(const std::vector<std::string_view>& words) {
  std::vector<std::string> out;
  for (std::string_view word : words) {
    size_t pos = 0;
    char32_t cp = 0;
    while (pos < word.size()) {
      decode_utf8(word, pos, cp);  // valid: checked by the caller
      if (cp >= 0x80 && !is_caseless(cp)) return {};
    }
    std::string folded(word);
    for (char& c : folded) c = static_cast<char>(kAsciiFold.map[static_cast<unsigned char>(c)]);
    out.push_back(std::move(folded));
  }
  return out;
}

// The whitespace run between a keyword's words (kSpaceRun): is_space's characters.
size_t skip_space_run(std::string_view text, size_t pos) {
  while (pos < text.size()) {
    size_t next = pos;
    char32_t cp = 0;
    if (!decode_utf8(text, next, cp) || !is_space(cp)) break;
    pos = next;
  }
  return pos;
}

// The start of the whitespace run that ends at pos (pos itself when there is none).
size_t space_run_before(std::string_view text, size_t pos) {
  while (pos > 0) {
    size_t start = pos - 1;
    while (start > 0 && pos - start < 4 && is_continuation(text[start])) --start;
    size_t next = start;
    char32_t cp = 0;
    if (!decode_utf8(text, next, cp) || next != pos || !is_space(cp)) break;
    pos = start;
  }
  return pos;
}

bool folded_equal(std::string_view text, size_t pos, const std::string& word) {
  if (pos > text.size() || text.size() - pos < word.size()) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + pos;
  for (size_t i = 0; i < word.size(); ++i) {
    if (kAsciiFold.map[p[i]] != static_cast<unsigned char>(word[i])) return false;
  }
  return true;
}

bool edges_ok(const KeywordPattern& pattern, std::string_view text, size_t start, size_t end) {
  char32_t cp = 0;
  if (pattern.left_boundary && start > 0 && code_point_before(text, start, cp) && glues(cp)) {
    return false;
  }
  if (pattern.right_boundary && end < text.size()) {
    size_t next = end;
    if (decode_utf8(text, next, cp) && glues(cp)) return false;
  }
  return true;
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
  out.folded_words = fold_if_caseless(words);
  for (size_t i = 1; i < out.folded_words.size(); ++i) {
    if (out.folded_words[i].size() > out.folded_words[out.anchor].size()) out.anchor = i;
  }
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
    if (edges_ok(pattern, text, start, end)) return true;
    // Try the next start: occurrences may overlap ("aa" in "aaa").
    pos = start + 1;
    while (pos < text.size() && is_continuation(text[pos])) ++pos;
  }
  return false;
}

bool keyword_occurs_at(const KeywordPattern& pattern, std::string_view text, size_t start) {
  size_t pos = start;
  for (size_t w = 0; w < pattern.folded_words.size(); ++w) {
    if (w > 0) {
      const size_t after = skip_space_run(text, pos);
      if (after == pos) return false;
      pos = after;
    }
    const std::string& word = pattern.folded_words[w];
    if (!folded_equal(text, pos, word)) return false;
    pos += word.size();
  }
  return !pattern.folded_words.empty() && edges_ok(pattern, text, start, pos);
}

bool keyword_occurs_around(const KeywordPattern& pattern, std::string_view text,
                           size_t anchor_start) {
  size_t pos = anchor_start;
  for (size_t w = pattern.anchor; w-- > 0;) {
    const size_t run = space_run_before(text, pos);
    const std::string& word = pattern.folded_words[w];
    if (run == pos || run < word.size() || !folded_equal(text, run - word.size(), word)) {
      return false;
    }
    pos = run - word.size();
  }
  return keyword_occurs_at(pattern, text, pos);
}

PrefilterText prefilter_text(std::string_view text, std::string& buffer) {
  PrefilterText out{text, false};
  bool replace = false;
  const auto has = [&](unsigned char lead, std::string_view seq) {
    const char* p = text.data();
    const char* end = p + text.size();
    while ((p = static_cast<const char*>(std::memchr(p, lead, end - p))) != nullptr) {
      if (std::string_view(p, end - p).starts_with(seq)) return true;
      ++p;
    }
    return false;
  };
  out.dotted_capital_i = has(0xC4, "\xC4\xB0");
  replace = has(0xE2, "\xE2\x84\xAA") || has(0xC5, "\xC5\xBF");
  if (!replace) return out;
  buffer.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    const std::string_view rest = text.substr(i);
    if (rest.starts_with("\xE2\x84\xAA")) {
      buffer += 'k';
      i += 2;
    } else if (rest.starts_with("\xC5\xBF")) {
      buffer += 's';
      i += 1;
    } else {
      buffer += text[i];
    }
  }
  out.text = buffer;
  return out;
}

bool is_caseless(char32_t cp) {
  if (cp < 0x80) return false;
  if (cp >= 0xA0 && cp <= 0xBF) return cp != 0xB5;  // Latin-1 signs; MICRO SIGN folds to mu
  if (cp == 0xD7 || cp == 0xF7) return true;
  if (cp >= 0x2000 && cp <= 0x206F) return true;    // general punctuation
  if (cp >= 0x3000 && cp <= 0x303F) return true;    // CJK symbols and punctuation
  if (cp >= 0x1F300 && cp <= 0x1FAFF) return true;  // pictographs, emoji
  return is_unspaced_script(cp);
}

}  // namespace sparouter::classify
