// The literal prefilter of one rule scope: where every keyword is ASCII or caseless, one pass of
// LiteralScanner over the text decides all keywords (each anchor hit is checked exactly, see
// keyword_occurs_around) and finds the regexes' required substrings (RE2's FilteredRE2 atoms);
// the scope's regex-only RE2::Set runs only when some regex may match. Used by rules.cpp.
#pragma once

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "classify/keyword_pattern.hpp"
#include "classify/literal_scan.hpp"

namespace sparouter::classify {

// What a rule's keyword or regex is known to do in a text.
enum : uint8_t { kUnknown = 0, kYes = 1, kNo = 2 };

class ScopePrefilter {
 public:
  // Per-thread buffers for decide().
  struct Scratch {
    std::string folded_text;  // prefilter_text's copy, when it needs one
    std::vector<uint8_t> atom_seen;
    std::vector<int> atoms;       // atom ids found, for FilteredRE2
    std::vector<int> potentials;  // regexes FilteredRE2 cannot rule out
    std::vector<int> set_ids;
  };

  // Keywords and regexes by id, as the scope numbers them. Null when the prefilter cannot be
  // exact (a keyword with a cased non-ASCII character) or would not pay off (a keyword anchor
  // shorter than LiteralScanner::kMinLength, or too many 3-byte ones): the scope then takes the
  // RE2::Set path.
  static std::unique_ptr<ScopePrefilter> build(const std::vector<const KeywordPattern*>& keywords,
                                               const std::vector<const RE2*>& regexes,
                                               const RE2::Options& set_options);

  // Writes kYes or kNo for every keyword, and kYes, kNo or (left to a one-by-one check)
  // kUnknown for every regex. The vectors are sized to the ids.
  void decide(std::string_view text, Scratch& scratch, std::vector<uint8_t>& keyword_states,
              std::vector<uint8_t>& regex_states) const;

  // False when the scope has regexes but they did not fit one RE2::Set.
  bool has_regex_set(size_t regex_count) const { return regex_count == 0 || regex_set_ != nullptr; }

 private:
  // What finding one literal tells: keywords to check there, a regex atom found.
  struct Target {
    std::vector<uint32_t> keywords;
    int atom = -1;
  };

  ScopePrefilter(LiteralScanner literals) : literals_(std::move(literals)) {}

  LiteralScanner literals_;
  std::vector<Target> targets_;  // per literal
  std::vector<const KeywordPattern*> keywords_;
  std::unique_ptr<re2::FilteredRE2> atoms_;  // null: any regex may match whenever it is asked
  size_t atom_count_ = 0;
  std::vector<int> atomless_;            // the regexes FilteredRE2 passes when no atom is found
  std::unique_ptr<RE2::Set> regex_set_;  // the scope's regexes alone, index == regex id
};

}  // namespace sparouter::classify
