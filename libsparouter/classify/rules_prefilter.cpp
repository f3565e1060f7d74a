#include "classify/rules_prefilter.hpp"

#include <algorithm>
#include <unordered_map>

namespace sparouter::classify {

namespace {

// Shorter regex atoms are not worth a prefilter test: FilteredRE2 then treats them as present.
// kShortAtom bytes only where they help (see build).
constexpr int kShortAtom = static_cast<int>(LiteralScanner::kMinLength);
constexpr int kLongAtom = kShortAtom + 1;

bool is_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c & 0x80) == 0; });
}

// FilteredRE2 over the regexes, ids in order, and its atoms; null (and no atoms) when a regex
// does not parse for it or an atom is not ASCII (the scan folds ASCII only).
std::unique_ptr<re2::FilteredRE2> build_filter(const std::vector<const RE2*>& regexes,
                                               int min_atom_len, std::vector<std::string>& atoms) {
  atoms.clear();
  auto filter = std::make_unique<re2::FilteredRE2>(min_atom_len);
  for (const RE2* re : regexes) {
    int id = 0;
    if (filter->Add(re->pattern(), re->options(), &id) != RE2::NoError) return nullptr;
  }
  filter->Compile(&atoms);
  if (!std::all_of(atoms.begin(), atoms.end(), is_ascii)) {
    atoms.clear();
    return nullptr;
  }
  return filter;
}

// How many regexes the filter passes when no atom is found.
size_t passes(const re2::FilteredRE2& filter) {
  std::vector<int> ids;
  filter.AllPotentials({}, &ids);
  return ids.size();
}

// How many literals would go to LiteralScanner's TripleScanner.
size_t triples(const std::vector<std::string>& literals) {
  return static_cast<size_t>(std::count_if(literals.begin(), literals.end(), [](const auto& l) {
    return l.size() < static_cast<size_t>(kLongAtom);
  }));
}

}  // namespace

std::unique_ptr<ScopePrefilter> ScopePrefilter::build(
    const std::vector<const KeywordPattern*>& keywords, const std::vector<const RE2*>& regexes,
    const RE2::Options& set_options) {
  if (!std::all_of(keywords.begin(), keywords.end(),
                   [](const KeywordPattern* k) { return !k->folded_words.empty(); })) {
    return nullptr;
  }
  // Literals: each keyword's anchor word and each regex atom, once each.
  std::vector<std::string> literals;
  std::vector<Target> targets;
  std::unordered_map<std::string, size_t> index;
  auto target = [&](const std::string& literal) -> Target& {
    auto [it, inserted] = index.try_emplace(literal, literals.size());
    if (inserted) {
      literals.push_back(literal);
      targets.emplace_back();
    }
    return targets[it->second];
  };
  for (size_t id = 0; id < keywords.size(); ++id) {
    const KeywordPattern& k = *keywords[id];
    target(k.folded_words[k.anchor]).keywords.push_back(static_cast<uint32_t>(id));
  }
  std::unique_ptr<re2::FilteredRE2> filter;
  std::unique_ptr<RE2::Set> regex_set;
  std::vector<std::string> atoms;
  if (!regexes.empty()) {
    regex_set = std::make_unique<RE2::Set>(set_options, RE2::UNANCHORED);
    for (const RE2* re : regexes) {
      std::string error;
      if (regex_set->Add(re->pattern(), &error) < 0) {
        regex_set.reset();
        break;
      }
    }
    if (regex_set && !regex_set->Compile()) regex_set.reset();
    filter = build_filter(regexes, kLongAtom, atoms);
    // 3-byte atoms cost a scan of every text and may be needless (the "-10" of
    // "ticket-[0-9]+-10"): they are taken only when they spare some regex the set, and fit in
    // the scanner beside the keyword anchors.
    if (filter && passes(*filter) > 0) {
      std::vector<std::string> short_atoms;
      std::unique_ptr<re2::FilteredRE2> finer = build_filter(regexes, kShortAtom, short_atoms);
      if (finer && passes(*finer) < passes(*filter) &&
          triples(short_atoms) + triples(literals) <= LiteralScanner::kMaxTriples) {
        filter = std::move(finer);
        atoms = std::move(short_atoms);
      }
    }
    for (size_t i = 0; i < atoms.size(); ++i) target(atoms[i]).atom = static_cast<int>(i);
  }
  LiteralScanner scanner(literals);
  if (!scanner.usable()) return nullptr;
  std::unique_ptr<ScopePrefilter> out(new ScopePrefilter(std::move(scanner)));
  out->targets_ = std::move(targets);
  out->keywords_ = keywords;
  if (filter) filter->AllPotentials({}, &out->atomless_);
  out->atoms_ = std::move(filter);
  out->atom_count_ = atoms.size();
  out->regex_set_ = std::move(regex_set);
  return out;
}

void ScopePrefilter::decide(std::string_view original, Scratch& scratch,
                            std::vector<uint8_t>& keyword_states,
                            std::vector<uint8_t>& regex_states) const {
  const PrefilterText folded = prefilter_text(original, scratch.folded_text);
  const std::string_view text = folded.text;
  std::fill(keyword_states.begin(), keyword_states.end(), kNo);
  scratch.atom_seen.assign(atom_count_, 0);
  scratch.atoms.clear();
  literals_.scan(text, [&](uint32_t literal, size_t start) {
    const Target& target = targets_[literal];
    for (uint32_t id : target.keywords) {
      uint8_t& known = keyword_states[id];
      if (known != kYes && keyword_occurs_around(*keywords_[id], text, start)) known = kYes;
    }
    if (target.atom >= 0 && !scratch.atom_seen[static_cast<size_t>(target.atom)]) {
      scratch.atom_seen[static_cast<size_t>(target.atom)] = 1;
      scratch.atoms.push_back(target.atom);
    }
  });
  std::fill(regex_states.begin(), regex_states.end(), kUnknown);
  if (regex_states.empty()) return;
  if (atoms_ && !folded.dotted_capital_i) {
    if (scratch.atoms.empty()) {  // the common case, and AllPotentials is not cheap
      scratch.potentials = atomless_;
    } else {
      atoms_->AllPotentials(scratch.atoms, &scratch.potentials);
    }
    std::fill(regex_states.begin(), regex_states.end(), kNo);
    if (scratch.potentials.empty()) return;
    for (int id : scratch.potentials) regex_states[static_cast<size_t>(id)] = kUnknown;
  }
  if (!regex_set_) return;  // the unknown ones are checked one by one
  RE2::Set::ErrorInfo info{RE2::Set::kNoError};
  const bool any = regex_set_->Match(original, &scratch.set_ids, &info);
  if (!any && info.kind != RE2::Set::kNoError) return;
  std::fill(regex_states.begin(), regex_states.end(), kNo);
  for (int id : scratch.set_ids) regex_states[static_cast<size_t>(id)] = kYes;
}

}  // namespace sparouter::classify
