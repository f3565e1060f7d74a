// The classification policy of API.md: rules_only, classifier_only or hybrid, with a default
// group. Works on already-compiled parts (rules, a trained model) and an already-parsed body.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "classify/chat_text.hpp"
#include "classify/embedded.hpp"
#include "classify/rules.hpp"
#include "sparouter/types.hpp"

namespace sparouter::classify {

// One configuration's classifier, compiled. Immutable; shared by every request.
struct CompiledClassifier {
  ClassifierMode mode = ClassifierMode::kHybrid;
  ClassifierType type = ClassifierType::kEmbedded;
  double threshold = 0.5;
  CompiledRules rules;
  std::shared_ptr<const EmbeddedModel> model;  // null: no labelled examples (or llm type)
  std::vector<std::string> labels;             // the groups the classifier can answer
  bool judge_enabled = false;                  // type llm with a judge group
};

enum class VerdictSource { kRule, kClassifier, kDefault, kJudge };

struct Verdict {
  VerdictSource source = VerdictSource::kDefault;
  int32_t rule_index = -1;   // kRule
  int32_t label_index = -1;  // kClassifier: index into labels
  float confidence = 0;      // the classifier's top probability, when it ran
  bool classifier_ran = false;
};

// Per-thread buffers so that a warm thread decides without allocating.
struct ClassifyScratch {
  EmbeddedScratch embedded;
  std::vector<float> probs;
};

// Decides where `text` goes. explain fills `hit` with the matched terms; when the classifier
// ran, scratch.probs holds every label's probability. kJudge asks the host to call the judge.
Verdict decide(const CompiledClassifier& c, const ChatText& text, bool explain,
               ClassifyScratch& scratch, RuleHit* hit);

}  // namespace sparouter::classify
