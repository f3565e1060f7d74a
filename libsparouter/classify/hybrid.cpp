#include "classify/hybrid.hpp"

namespace sparouter::classify {
namespace {

Verdict run_classifier(const CompiledClassifier& c, const ChatText& text,
                       ClassifyScratch& scratch) {
  Verdict v;
  if (c.judge_enabled) {
    v.source = VerdictSource::kJudge;
    return v;
  }
  if (!c.model) return v;  // nothing learned yet: the default group
  scratch.probs.resize(c.model->label_count());
  const std::string& input = text.last_user.empty() ? text.all : text.last_user;
  size_t best = c.model->predict(input, scratch.probs.data(), scratch.embedded);
  v.classifier_ran = true;
  v.confidence = scratch.probs[best];
  if (v.confidence >= c.threshold) {
    v.source = VerdictSource::kClassifier;
    v.label_index = static_cast<int32_t>(best);
  }
  return v;
}

}  // namespace

Verdict decide(const CompiledClassifier& c, const ChatText& text, bool explain,
               ClassifyScratch& scratch, RuleHit* hit) {
  if (c.mode != ClassifierMode::kClassifierOnly) {
    if (auto h = c.rules.first_match(text, explain)) {
      Verdict v;
      v.source = VerdictSource::kRule;
      v.rule_index = static_cast<int32_t>(h->rule_index);
      if (hit) *hit = std::move(*h);
      return v;
    }
    if (c.mode == ClassifierMode::kRulesOnly) return Verdict{};
  }
  return run_classifier(c, text, scratch);
}

}  // namespace sparouter::classify
