// Literal keywords with the rules' matching semantics, split so that a set of them stays small:
// cheap ASCII boundaries go into the RE2::Set, exact Unicode boundaries are checked only when
// the cheap ones cannot decide.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sparouter/result.hpp"

namespace re2 {
class RE2;
}

namespace sparouter::classify {

// A keyword occurs in a text when its `core` matches and, at each edge whose keyword character
// is a word character (\p{L}\p{M}\p{N}_) outside the unspaced scripts (Han, kana, Hangul,
// Thai...), the text's neighbouring character is not a word character, or is in an unspaced
// script. So "代码" occurs in "帮我写代码" and "python" in "用python写", but "class" not in
// "classification". An edge that is punctuation ("c++") needs no boundary ("c++20" matches).
struct KeywordPattern {
  // RE2 (UTF-8): the keyword literally (metacharacters escaped), case-insensitive (Unicode
  // simple folding), each whitespace run inside it matching any whitespace run.
  std::string core;
  bool left_boundary = false;
  bool right_boundary = false;

  // The keyword's words, ASCII-lower-cased, when each of its characters is ASCII or caseless
  // (see is_caseless): then comparing bytes after ASCII folding is exactly `core`'s
  // case-insensitive match, and the literal prefilter can find it without RE2. Empty otherwise.
  std::vector<std::string> folded_words;
  // The longest of folded_words (the first of equals): the prefilter looks for it, the most
  // selective word, and keyword_occurs_around() finds the keyword's start from it.
  size_t anchor = 0;

  bool has_boundary() const { return left_boundary || right_boundary; }
  // `core` between ASCII non-word neighbours (or the text's ends): a hit is an occurrence.
  std::string strict() const;
  // `core` between any neighbours but ASCII word characters: a miss is certainly no occurrence.
  std::string loose() const;
};

// Leading and trailing whitespace is ignored. Errors (param ""): empty keyword, invalid UTF-8.
Result<KeywordPattern> compile_keyword(std::string_view keyword);

// The exact test: `core_re` is `pattern.core` compiled. Linear in text size times keyword
// length. `text` is valid UTF-8 (a malformed neighbour counts as a boundary).
bool keyword_occurs(const re2::RE2& core_re, const KeywordPattern& pattern, std::string_view text);

// The exact test at one place: whether an occurrence starts at text[start]. Needs
// `pattern.folded_words`, and a text seen through prefilter_text().
bool keyword_occurs_at(const KeywordPattern& pattern, std::string_view text, size_t start);

// The same, given where the anchor word was found: the words before it are matched backwards
// (whitespace runs are maximal and words hold no whitespace, so the start is unique).
bool keyword_occurs_around(const KeywordPattern& pattern, std::string_view text,
                           size_t anchor_start);

// The text as the ASCII-folding prefilter must see it. Case-insensitive matching equates KELVIN
// SIGN with k and LONG S with s: those are replaced by k and s (a copy in `buffer`; the text
// itself when it has neither; both are letters, so word edges stay as they were).
// `dotted_capital_i` tells whether the text holds U+0130, which lower-cases to i: RE2's regex
// prefilter atoms are lower-cased that way, so such a text cannot skip a regex by its atoms.
struct PrefilterText {
  std::string_view text;
  bool dotted_capital_i = false;
};
PrefilterText prefilter_text(std::string_view text, std::string& buffer);

// A non-ASCII character that has no case variants: the unspaced scripts (CJK, kana, Hangul,
// Thai...), general and CJK punctuation, Latin-1 symbols but MICRO SIGN, emoji.
bool is_caseless(char32_t cp);

// \p{L}, \p{M}, \p{N} or '_'.
bool is_word_code_point(char32_t cp);

}  // namespace sparouter::classify
