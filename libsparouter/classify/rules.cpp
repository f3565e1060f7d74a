#include "classify/rules.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>

#include "classify/keyword_pattern.hpp"
#include "classify/rules_prefilter.hpp"
#include "classify/utf8.hpp"

namespace sparouter::classify {

namespace {

constexpr size_t kScopeCount = 3;
constexpr uint32_t kNoRegex = UINT32_MAX;

size_t scope_index(Scope scope) { return static_cast<size_t>(scope); }

RE2::Options re2_options(int64_t max_mem) {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingUTF8);
  o.set_log_errors(false);
  o.set_max_mem(max_mem);
  return o;
}

std::string rule_param(size_t rule, std::string_view field) {
  std::string p = "classifier.rules[" + std::to_string(rule) + "].match";
  if (!field.empty()) p.append(".").append(field);
  return p;
}

std::string list_param(size_t rule, std::string_view list, size_t item) {
  return rule_param(rule, list) + "[" + std::to_string(item) + "]";
}

// A keyword of a scope: its set patterns and its exact check.
struct KeywordEntry {
  KeywordPattern pattern;
  std::unique_ptr<RE2> core;  // pattern.core, for the exact check
  uint32_t strict_id = 0;     // set index of pattern.strict() (== loose_id without boundaries)
  uint32_t loose_id = 0;      // set index of pattern.loose()
};

struct RegexEntry {
  std::unique_ptr<RE2> re;  // for the fallback and for explanations
  uint32_t set_id = 0;
};

// Everything one scope's rules look for, deduplicated, and its one RE2::Set (or its prefilter).
struct ScopePatterns {
  std::vector<KeywordEntry> keywords;
  std::vector<RegexEntry> regexes;
  std::vector<std::string> set_sources;
  // Per set index, the rules that cannot match unless that pattern is found: a rule whose
  // patterns the set did not find is skipped without looking at its terms.
  std::vector<std::vector<uint32_t>> rules_needing;
  std::unique_ptr<RE2::Set> set;  // null: nothing to find, or it did not fit its memory budget
  std::unique_ptr<ScopePrefilter> prefilter;  // when set, `set` is not used
};

struct CompiledRule {
  bool enabled = true;
  Scope scope = Scope::kLastUser;
  std::vector<uint32_t> any;  // keyword ids in the scope
  std::vector<uint32_t> all;
  uint32_t regex = kNoRegex;  // regex id in the scope
  bool has_patterns = false;  // keywords or a regex
  std::optional<int64_t> min_chars;
  std::optional<int64_t> max_chars;
  std::vector<std::string> any_words;  // as configured, for explanations
  std::vector<std::string> all_words;
};

struct RulesData {
  std::vector<CompiledRule> rules;
  std::array<ScopePatterns, kScopeCount> scopes;
  bool uses_sets = true;
};

// Per-call matching state. Thread-local scratch keeps the steady state allocation-light; the
// vectors are resized to the rules at hand on every call.

struct ScopeState {
  bool scanned = false;
  bool set_answered = false;
  bool candidates_known = false;  // `candidates` is filled (by the set or the prefilter)
  bool counted = false;
  size_t code_points = 0;
  std::vector<uint8_t> set_hits;    // per set index, when set_answered
  std::vector<uint8_t> keywords;    // per keyword id: kUnknown until decided
  std::vector<uint8_t> regexes;     // per regex id, when the set did not answer
  std::vector<uint8_t> candidates;  // per rule index: some pattern it needs was found
};

struct Scratch {
  std::array<ScopeState, kScopeCount> scopes;
  std::vector<int> set_ids;
  ScopePrefilter::Scratch prefilter;
};

class Matcher {
 public:
  Matcher(const RulesData& data, const ChatText& text, Scratch& scratch)
      : data_(data), text_(text), scratch_(scratch) {
    for (ScopeState& s : scratch_.scopes) s.scanned = s.counted = false;
  }

  bool matches(const CompiledRule& rule, size_t index) {
    const size_t s = scope_index(rule.scope);
    if (rule.has_patterns) {
      const ScopeState& state = scanned(s);
      if (state.candidates_known && !state.candidates[index]) return false;
    }
    if (rule.min_chars || rule.max_chars) {
      const auto n = static_cast<uint64_t>(code_points(s));
      if (rule.min_chars && n < static_cast<uint64_t>(*rule.min_chars)) return false;
      if (rule.max_chars && n > static_cast<uint64_t>(*rule.max_chars)) return false;
    }
    for (uint32_t id : rule.all) {
      if (!keyword(s, id)) return false;
    }
    if (!rule.any.empty() && std::none_of(rule.any.begin(), rule.any.end(),
                                          [&](uint32_t id) { return keyword(s, id); })) {
      return false;
    }
    return rule.regex == kNoRegex || regex(s, rule.regex);
  }

  std::vector<std::string> explain(const CompiledRule& rule) {
    const size_t s = scope_index(rule.scope);
    std::vector<std::string> out;
    auto add = [&out](std::string_view word) {
      if (std::find(out.begin(), out.end(), word) == out.end()) out.emplace_back(word);
    };
    for (size_t k = 0; k < rule.any.size(); ++k) {
      if (keyword(s, rule.any[k])) add(rule.any_words[k]);
    }
    for (const std::string& word : rule.all_words) add(word);
    if (rule.regex != kNoRegex) {
      const std::string& t = text(s);
      re2::StringPiece m;
      if (data_.scopes[s].regexes[rule.regex].re->Match(t, 0, t.size(), RE2::UNANCHORED, &m, 1)) {
        out.emplace_back(
            truncate_utf8(std::string_view(m.data(), m.size()), CompiledRules::kMaxMatchedBytes));
      }
    }
    return out;
  }

 private:
  const std::string& text(size_t s) const { return text_.scoped(static_cast<Scope>(s)); }

  size_t code_points(size_t s) {
    ScopeState& state = scratch_.scopes[s];
    if (!state.counted) {
      state.code_points = count_code_points(text(s));
      state.counted = true;
    }
    return state.code_points;
  }

  ScopeState& scanned(size_t s) {
    ScopeState& state = scratch_.scopes[s];
    if (!state.scanned) scan(s, state);
    return state;
  }

  bool keyword(size_t s, uint32_t id) {
    ScopeState& state = scanned(s);
    uint8_t& known = state.keywords[id];
    if (known == kUnknown) {
      const KeywordEntry& k = data_.scopes[s].keywords[id];
      if (state.set_answered && state.set_hits[k.strict_id]) {
        known = kYes;
      } else if (state.set_answered && !state.set_hits[k.loose_id]) {
        known = kNo;
      } else {  // next to a non-ASCII character, or no set answer: the exact check
        known = keyword_occurs(*k.core, k.pattern, text(s)) ? kYes : kNo;
      }
    }
    return known == kYes;
  }

  bool regex(size_t s, uint32_t id) {
    ScopeState& state = scanned(s);
    const RegexEntry& r = data_.scopes[s].regexes[id];
    if (state.set_answered) return state.set_hits[r.set_id] != 0;
    uint8_t& known = state.regexes[id];
    if (known == kUnknown) known = RE2::PartialMatch(text(s), *r.re) ? kYes : kNo;
    return known == kYes;
  }

  // One pass of the scope's set over its text. A single RE2 falls back to its NFA when its DFA
  // runs out of memory, a set cannot: then its patterns are checked one by one (still linear).
  void scan(size_t s, ScopeState& state) {
    const ScopePatterns& patterns = data_.scopes[s];
    state.scanned = true;
    state.set_answered = false;
    state.candidates_known = false;
    state.keywords.assign(patterns.keywords.size(), kUnknown);
    state.regexes.assign(patterns.regexes.size(), kUnknown);
    if (patterns.prefilter) {
      patterns.prefilter->decide(text(s), scratch_.prefilter, state.keywords, state.regexes);
      // The rules that need nothing found are skipped without looking at their terms.
      state.candidates.assign(data_.rules.size(), 0);
      auto mark = [&](uint32_t set_index) {
        for (uint32_t rule : patterns.rules_needing[set_index]) state.candidates[rule] = 1;
      };
      for (size_t id = 0; id < state.keywords.size(); ++id) {
        if (state.keywords[id] == kYes) mark(patterns.keywords[id].loose_id);
      }
      for (size_t id = 0; id < state.regexes.size(); ++id) {
        if (state.regexes[id] != kNo) mark(patterns.regexes[id].set_id);  // yes, or unknown yet
      }
      state.candidates_known = true;
      return;
    }
    if (!patterns.set) return;
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    const bool any = patterns.set->Match(text(s), &scratch_.set_ids, &info);
    if (!any && info.kind != RE2::Set::kNoError) return;
    state.set_answered = true;
    state.candidates_known = true;
    state.set_hits.assign(patterns.set_sources.size(), 0);
    state.candidates.assign(data_.rules.size(), 0);
    if (!any) return;
    for (int id : scratch_.set_ids) {
      state.set_hits[static_cast<size_t>(id)] = 1;
      for (uint32_t rule : patterns.rules_needing[static_cast<size_t>(id)]) {
        state.candidates[rule] = 1;
      }
    }
  }

  const RulesData& data_;
  const ChatText& text_;
  Scratch& scratch_;
};

Status check_bounds(const RuleMatch& m, size_t i) {
  if (m.min_chars && *m.min_chars < 0) {
    return invalid(rule_param(i, "min_chars"), "min_chars must not be negative");
  }
  if (m.max_chars && *m.max_chars < 0) {
    return invalid(rule_param(i, "max_chars"), "max_chars must not be negative");
  }
  if (m.min_chars && m.max_chars && *m.min_chars > *m.max_chars) {
    return invalid(rule_param(i, "max_chars"), "max_chars is less than min_chars");
  }
  return {};
}

bool has_condition(const RuleMatch& m) {
  return !m.keywords_any.empty() || !m.keywords_all.empty() || !m.regex.empty() || m.min_chars ||
         m.max_chars;
}

// Compiles rules into per-scope pattern tables; each distinct keyword or regex is kept once.
// Disabled rules are checked like the others but add nothing to the sets.
class RulesBuilder {
 public:
  RulesBuilder(RulesData& data, const RulesOptions& options)
      : data_(data), options_(options), single_options_(re2_options(options.pattern_max_mem)) {}

  Status add(const Rule& rule, size_t i) {
    const RuleMatch& m = rule.match;
    if (!has_condition(m)) {
      return invalid(rule_param(i, ""),
                     "a rule needs at least one condition (keywords, regex, min_chars or "
                     "max_chars)");
    }
    if (Status st = check_bounds(m, i); !st) return st;
    if (scope_index(m.scope) >= kScopeCount) {
      return invalid(rule_param(i, "scope"), "unknown scope");
    }
    CompiledRule out;
    out.enabled = rule.enabled;
    out.scope = m.scope;
    out.min_chars = m.min_chars;
    out.max_chars = m.max_chars;
    if (Status st = add_keywords(m.keywords_any, "keywords_any", i, out, out.any); !st) return st;
    if (Status st = add_keywords(m.keywords_all, "keywords_all", i, out, out.all); !st) return st;
    out.any_words = m.keywords_any;
    out.all_words = m.keywords_all;
    if (!m.regex.empty()) {
      auto re = std::make_unique<RE2>(m.regex, single_options_);
      if (!re->ok()) return invalid(rule_param(i, "regex"), re->error());
      if (out.enabled) out.regex = add_regex(out.scope, m.regex, std::move(re));
    }
    out.has_patterns = !out.any.empty() || !out.all.empty() || out.regex != kNoRegex;
    note_needed_patterns(out, data_.rules.size());
    data_.rules.push_back(std::move(out));
    return {};
  }

  // One RE2::Set per scope with patterns. A set that does not compile (too big for its memory
  // budget) leaves that scope on the one-by-one path.
  void build_sets() {
    RE2::Options set_options = re2_options(options_.set_max_mem);
    set_options.set_never_capture(true);
    for (ScopePatterns& scope : data_.scopes) {
      scope.rules_needing.resize(scope.set_sources.size());
      if (scope.set_sources.empty()) continue;
      if (options_.literal_prefilter) {
        std::vector<const KeywordPattern*> keywords;
        for (const KeywordEntry& k : scope.keywords) keywords.push_back(&k.pattern);
        std::vector<const RE2*> regexes;
        for (const RegexEntry& r : scope.regexes) regexes.push_back(r.re.get());
        scope.prefilter = ScopePrefilter::build(keywords, regexes, set_options);
      }
      if (scope.prefilter) {
        if (!scope.prefilter->has_regex_set(scope.regexes.size())) data_.uses_sets = false;
        continue;
      }
      auto set = std::make_unique<RE2::Set>(set_options, RE2::UNANCHORED);
      bool ok = true;
      for (const std::string& source : scope.set_sources) {
        std::string error;
        ok = ok && set->Add(source, &error) >= 0;
      }
      if (ok && set->Compile()) {
        scope.set = std::move(set);
      } else {
        data_.uses_sets = false;
      }
    }
  }

 private:
  Status add_keywords(const std::vector<std::string>& words, std::string_view list, size_t i,
                      const CompiledRule& rule, std::vector<uint32_t>& ids) {
    for (size_t j = 0; j < words.size(); ++j) {
      Result<KeywordPattern> pattern = compile_keyword(words[j]);
      if (!pattern) return invalid(list_param(i, list, j), pattern.error().message);
      if (!rule.enabled) continue;
      Result<uint32_t> id = add_keyword(rule.scope, std::move(pattern).value());
      if (!id) return invalid(list_param(i, list, j), id.error().message);
      ids.push_back(*id);
    }
    return {};
  }

  Result<uint32_t> add_keyword(Scope scope, KeywordPattern pattern) {
    const size_t s = scope_index(scope);
    ScopePatterns& patterns = data_.scopes[s];
    const std::string key = pattern.strict();  // core and boundaries in one string
    if (auto found = keyword_ids_[s].find(key); found != keyword_ids_[s].end()) {
      return found->second;
    }
    KeywordEntry entry;
    entry.core = std::make_unique<RE2>(pattern.core, single_options_);
    if (!entry.core->ok()) return invalid("", "keyword cannot be compiled: " + entry.core->error());
    entry.strict_id = set_index(s, key);
    entry.loose_id = pattern.has_boundary() ? set_index(s, pattern.loose()) : entry.strict_id;
    entry.pattern = std::move(pattern);
    const auto id = static_cast<uint32_t>(patterns.keywords.size());
    patterns.keywords.push_back(std::move(entry));
    keyword_ids_[s].emplace(key, id);
    return id;
  }

  uint32_t add_regex(Scope scope, const std::string& source, std::unique_ptr<RE2> re) {
    const size_t s = scope_index(scope);
    ScopePatterns& patterns = data_.scopes[s];
    if (auto found = regex_ids_[s].find(source); found != regex_ids_[s].end()) {
      return found->second;
    }
    const auto id = static_cast<uint32_t>(patterns.regexes.size());
    patterns.regexes.push_back(RegexEntry{std::move(re), set_index(s, source)});
    regex_ids_[s].emplace(source, id);
    return id;
  }

  // A keyword needs its loose pattern found, a regex itself: a rule needs at least one of them.
  void note_needed_patterns(const CompiledRule& rule, size_t index) {
    ScopePatterns& patterns = data_.scopes[scope_index(rule.scope)];
    patterns.rules_needing.resize(patterns.set_sources.size());
    auto need = [&](uint32_t set_id) {
      std::vector<uint32_t>& rules = patterns.rules_needing[set_id];
      if (rules.empty() || rules.back() != index) rules.push_back(static_cast<uint32_t>(index));
    };
    for (uint32_t id : rule.any) need(patterns.keywords[id].loose_id);
    for (uint32_t id : rule.all) need(patterns.keywords[id].loose_id);
    if (rule.regex != kNoRegex) need(patterns.regexes[rule.regex].set_id);
  }

  // The set index of `source` in scope s, added once.
  uint32_t set_index(size_t s, const std::string& source) {
    ScopePatterns& patterns = data_.scopes[s];
    auto [it, inserted] =
        set_ids_[s].try_emplace(source, static_cast<uint32_t>(patterns.set_sources.size()));
    if (inserted) patterns.set_sources.push_back(source);
    return it->second;
  }

  using Index = std::unordered_map<std::string, uint32_t>;
  RulesData& data_;
  const RulesOptions& options_;
  RE2::Options single_options_;
  std::array<Index, kScopeCount> keyword_ids_, regex_ids_, set_ids_;
};

}  // namespace

struct CompiledRules::Impl : RulesData {};

Result<CompiledRules> CompiledRules::compile(const std::vector<Rule>& rules,
                                             const RulesOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->rules.reserve(rules.size());
  RulesBuilder builder(*impl, options);
  for (size_t i = 0; i < rules.size(); ++i) {
    if (Status st = builder.add(rules[i], i); !st) return st.error();
  }
  builder.build_sets();
  return CompiledRules(std::move(impl));
}

CompiledRules::CompiledRules() : impl_(std::make_unique<Impl>()) {}
CompiledRules::CompiledRules(std::unique_ptr<const Impl> impl) : impl_(std::move(impl)) {}
CompiledRules::CompiledRules(CompiledRules&&) noexcept = default;
CompiledRules& CompiledRules::operator=(CompiledRules&&) noexcept = default;
CompiledRules::~CompiledRules() = default;

std::optional<RuleHit> CompiledRules::first_match(const ChatText& text, bool explain) const {
  thread_local Scratch scratch;
  Matcher matcher(*impl_, text, scratch);
  for (size_t i = 0; i < impl_->rules.size(); ++i) {
    const CompiledRule& rule = impl_->rules[i];
    if (!rule.enabled || !matcher.matches(rule, i)) continue;
    RuleHit hit;
    hit.rule_index = i;
    if (explain) hit.matched = matcher.explain(rule);
    return hit;
  }
  return std::nullopt;
}

size_t CompiledRules::size() const { return impl_->rules.size(); }

bool CompiledRules::uses_sets() const { return impl_->uses_sets; }

size_t CompiledRules::prefiltered_scopes() const {
  return static_cast<size_t>(
      std::count_if(impl_->scopes.begin(), impl_->scopes.end(),
                    [](const ScopePatterns& s) { return s.prefilter != nullptr; }));
}

}  // namespace sparouter::classify
