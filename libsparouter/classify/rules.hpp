// Routing rules compiled once per configuration into a few RE2 automata.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "classify/chat_text.hpp"
#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter::classify {

struct RuleHit {
  size_t rule_index = 0;
  // With explain: the rule's keywords that occurred (as configured), then the regex's matched
  // text (at most kMaxMatchedBytes, cut on a UTF-8 boundary). Empty without explain.
  std::vector<std::string> matched;
};

struct RulesOptions {
  // Memory budget of each RE2::Set (one per scope in use); its lazy DFA lives inside it.
  // Tests shrink it to force the per-pattern fallback.
  int64_t set_max_mem = int64_t{16} << 20;
  int64_t pattern_max_mem = int64_t{4} << 20;  // each single-pattern RE2
  // Find keywords with the literal prefilter (literal_scan.hpp) instead of RE2::Set where the
  // scope's keywords allow it. Off: tests compare both paths.
  bool literal_prefilter = true;
};

class CompiledRules {
 public:
  static constexpr size_t kMaxMatchedBytes = 200;

  // Every rule is checked (disabled ones too); errors name "classifier.rules[i].match....".
  // Rule target groups are not checked here.
  static Result<CompiledRules> compile(const std::vector<Rule>& rules,
                                       const RulesOptions& options = {});

  CompiledRules();  // no rules: never matches
  CompiledRules(CompiledRules&&) noexcept;
  CompiledRules& operator=(CompiledRules&&) noexcept;
  ~CompiledRules();

  // The first enabled rule, in order, whose every condition holds; nullopt if none.
  // Each scope's text is scanned once, and only when a rule needs it. Where every keyword of the
  // scope is ASCII or caseless, one pass of the literal prefilter finds the keywords (each hit
  // checked exactly) and the regexes' required substrings (RE2's FilteredRE2 atoms); the scope's
  // regex-only RE2::Set runs only when some regex may match. Otherwise one RE2::Set finds keywords
  // and regexes together; a keyword it found next to a non-ASCII character gets an exact boundary
  // check of its own. If a set is unavailable (it did not compile within set_max_mem, or its DFA
  // ran out of memory), the patterns are checked one by one: still linear in the text.
  // Const and thread-safe.
  std::optional<RuleHit> first_match(const ChatText& text, bool explain) const;

  size_t size() const;  // rules compiled, disabled ones included
  // False when some scope's patterns did not fit one RE2::Set (then that scope always takes the
  // per-pattern path). For tests and diagnostics.
  bool uses_sets() const;
  // Scopes with rules that take the literal prefilter path. For tests and diagnostics.
  size_t prefiltered_scopes() const;

 private:
  struct Impl;
  explicit CompiledRules(std::unique_ptr<const Impl> impl);
  std::unique_ptr<const Impl> impl_;
};

}  // namespace sparouter::classify
