// Literal keywords with the rules' matching semantics, split so that a set of them stays small:
// cheap ASCII boundaries go into the RE2::Set, exact Unicode boundaries are checked only when
// the cheap ones cannot decide.
#pragma once

#include <string>
#include <string_view>

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

// \p{L}, \p{M}, \p{N} or '_'.
bool is_word_code_point(char32_t cp);

}  // namespace sparouter::classify
