// The embedded text classifier: trained in-process from labelled examples (group -> example
// texts), it scores which routing group a prompt belongs to. Deterministic (same examples, same
// options => same model and the same scores on a given machine), never on the request path for
// training, allocation-free for prediction once the caller's scratch is warm.
//
// Features: word 1-2-grams and byte 3-5-grams inside space-padded words, hashed to 32-bit keys;
// the features seen in training form the dictionary. Word features count once per text, byte
// n-grams once per distinct word they occur in; times IDF, normalised per family (see
// embedded_features.hpp and embedded_train.hpp). So a word's n-grams add up to one vector: the
// words of the training texts get a precomputed row, and prediction looks a known word up
// once instead of its n-grams. Learner:
//   - fewer than `naive_bayes_below` examples per label on average: multinomial naive Bayes,
//     which beat logistic regression with 1-2 examples per label on the reference data;
//   - otherwise softmax logistic regression (SGD); from `hidden_from` examples per label on
//     average, averaged in probability with a small one-hidden-layer network over the same
//     features (two 64-unit runs averaged in logit space, trained with dropout on the input
//     features and on the hidden units; hidden_units = 0 turns it off). In cross-validation on
//     the reference training folds the pair beats the logistic model alone by about 1.5
//     accuracy points (banking77 +1.9, clinc150 intents +1.2). With 5 to 20 examples per label
//     it added nothing beyond the noise (-0.1 to +0.2 points on average; folds 3-4 to train,
//     fold 2 to test) while taking a quarter of the prediction time, so small sets, which is
//     what people type into the console, go without it; from 30 it gains about 0.15 points.
// Weights are stored as int8 with a scale per feature (or word) row. The top probability is the
// confidence; the caller applies the threshold.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "classify/embedded_features.hpp"
#include "classify/embedded_table.hpp"
#include "sparouter/result.hpp"
#include "sparouter/types.hpp"

namespace sparouter::classify {

namespace embedded_train {
struct Corpus;
struct Linear;
struct Hidden;
}  // namespace embedded_train

struct EmbeddedOptions {
  uint64_t seed = 0x5eedULL;
  // Features.
  uint32_t word_ngrams = 2;               // word 1..n-grams, 0..4
  uint32_t char_ngram_min = 3;            // byte n-grams inside each space-padded word
  uint32_t char_ngram_max = 5;            // 0 = none, at most 7
  size_t max_features = size_t{1} << 17;  // dictionary cap, most frequent kept: bounds memory
  size_t max_text_bytes = 32 * 1024;      // predict() reads at most this many leading bytes
  // Few examples: naive Bayes while the mean number of examples per label is below this.
  double naive_bayes_below = 3.0;
  float naive_bayes_alpha = 0.1f;
  // Softmax logistic regression (SGD, learning rate decaying linearly to 0).
  uint32_t epochs = 10;  // more for tiny sets: at least 20000 updates
  float learning_rate = 2.0f;
  float l2 = 1e-6f;
  uint32_t logistic_runs = 1;  // runs from seeds seed, seed+1, ... averaged
  // The hidden-layer member of the ensemble, from hidden_from examples per label on average
  // (0: always); 0 units = logistic regression alone.
  double hidden_from = 25.0;
  uint32_t hidden_units = 64;
  uint32_t hidden_epochs = 12;
  float hidden_learning_rate = 0.1f;
  float hidden_dropout = 0.2f;        // of the hidden units
  float hidden_input_dropout = 0.5f;  // of the features of each training example
  uint32_t hidden_runs = 2;           // networks averaged; hidden_units * hidden_runs units
  float hidden_weight = 0.7f;         // the network's share of the averaged probabilities
};

enum class EmbeddedMethod { kNaiveBayes, kLogistic, kLogisticHidden };

class EmbeddedModel;

// Per-thread reusable buffers for EmbeddedModel::predict. Not thread-safe itself: one per thread.
// The first predict() with a model (or reserve()) sizes it; after that predict() never allocates.
// Call reserve() when setting up, so that even the first request does not allocate.
class EmbeddedScratch {
 public:
  EmbeddedScratch() = default;
  void reserve(const EmbeddedModel& model);

 private:
  friend class EmbeddedModel;
  static constexpr size_t kBatch = 128;                 // keys looked up together
  static constexpr size_t kRuns = 2 * kMaxRunsPerText;  // run slots, at most half used
  static constexpr size_t kMemoSlots = 2048;            // remembered runs (see Memo)
  static constexpr size_t kMemoRows = 12;               // rows a remembered run may have

  struct Run {  // a run (word) of the current text
    uint64_t hash;
    uint16_t generation;  // valid if equal to generation_
  };

  // What a small-table model found for a run (word) of an earlier text: its char rows in key
  // order and how many of its keys were unknown. Prompts repeat their vocabulary from request
  // to request, and a hit adds exactly what a miss would, in the same order: scores do not
  // depend on what the scratch saw before. One cache line; two-way set-associative by run
  // hash (direct-mapped, the rotating 1 KB benchmark worked out the char keys of 40% more runs).
  struct alignas(64) Memo {
    uint64_t hash;
    uint32_t model;   // EmbeddedModel::serial_; 0 = empty
    uint16_t unseen;  // keys of the run not in the table
    uint8_t rows;
    uint8_t unused;
    uint32_t row[kMemoRows];
  };

  std::vector<float> acc_;        // per family: logits then hidden pre-activations; then outputs
  std::vector<uint16_t> stamps_;  // per weight row: the generation that last counted it
  std::vector<Run> runs_;         // kRuns slots, open addressing
  std::vector<Memo> memo_;        // kMemoSlots, for models whose tables stay in cache
  uint16_t generation_ = 0;
  std::array<uint32_t, kBatch> word_keys_{};
  std::array<uint32_t, kBatch> char_keys_{};
  std::array<uint32_t, kBatch> run_rows_{};  // char rows of runs in text order, to add
  std::array<uint32_t, kBatch> maybe_keys_{};  // keys the table's filter lets through
  std::array<uint32_t, kBatch> rows_{};
};

class EmbeddedModel {
  struct Key {};  // keeps the constructor for train()

 public:
  // labels: group + example texts. Needs >= 2 labels with distinct, non-empty group names, each
  // with >= 1 non-empty example (empty examples are skipped). Errors name the offending field,
  // e.g. "classifier.labels[2].examples"; bad options name "classifier.embedded.<option>".
  static Result<std::shared_ptr<const EmbeddedModel>> train(
      const std::vector<LabelExamples>& labels, const EmbeddedOptions& options = {});

  size_t label_count() const noexcept { return labels_.size(); }
  const std::string& label(size_t i) const { return labels_[i]; }
  EmbeddedMethod method() const noexcept { return method_; }
  size_t feature_count() const noexcept { return table_.size(); }

  // Writes label_count() probabilities (sum 1) into probs and returns the argmax index (the
  // lowest index on ties); probs may be null. Any bytes are fine, the empty text too.
  // Thread-safe (const). No allocation once scratch is warm; no exceptions (a cold scratch that
  // cannot be allocated terminates the process: warm it with reserve() at set-up).
  size_t predict(std::string_view text, float* probs, EmbeddedScratch& scratch) const noexcept;

  // Bytes held by the trained model.
  size_t memory_bytes() const noexcept;

  explicit EmbeddedModel(Key) {}

 private:
  friend class EmbeddedScratch;

  // Each weight row: this header, then linear_width_ + hidden_width_ int8 weights. Keeping the
  // header inline means one run of cache lines per feature.
  struct RowHeader {
    float scale_linear;  // dequantisation of the linear part (IDF folded in)
    float scale_hidden;  // ... and of the hidden-layer part
    float idf2;          // squared IDF: the row's share of its family's norm
    uint32_t family;
  };

  size_t scratch_floats() const noexcept { return 2 * stride_ + 2 * linear_width_ + hidden_width_; }
  // Small tables: each run's n-grams are looked up at once and remembered in the scratch's Memo
  // (big ones are batched for their prefetches instead).
  bool remembers_runs() const noexcept { return !prefetch_slots_; }
  void pack(const embedded_train::Corpus& corpus, const embedded_train::Linear& linear,
            const embedded_train::Hidden* hidden);
  // The rows of the keys the table holds, in key order, into rows (room for count); returns
  // how many and adds the others to *missing. Word rows count once per text.
  size_t look_up(EmbeddedScratch& s, const uint32_t* keys, size_t count, FeatureFamily family,
                 uint32_t* rows, uint32_t* missing) const noexcept;
  void add_rows(EmbeddedScratch& s, const uint32_t* rows, size_t count,
                float* norm2) const noexcept;

  std::vector<std::string> labels_;
  EmbeddedMethod method_ = EmbeddedMethod::kLogistic;
  FeatureSpec spec_;
  size_t max_text_bytes_ = 0;
  FeatureTable table_;
  // Prefetching a key's slot before the lookup pays only when the table is too big to stay in
  // cache; for small tables the prefetches cost more than they save.
  bool prefetch_slots_ = false;
  bool prefetch_rows_ = false;  // the same for the weight rows in blob_
  uint32_t serial_ = 0;         // unique per trained model: tags the scratch's Memo entries
  size_t linear_width_ = 0;  // labels rounded up to 16 (the int8 kernel's step)
  size_t hidden_ = 0;
  size_t hidden_width_ = 0;
  size_t stride_ = 0;          // floats per family accumulator: linear_width_ + hidden_width_
  size_t row_bytes_ = 0;       // sizeof(RowHeader) + stride_
  size_t rows_ = 0;            // feature rows; the run rows follow them in blob_
  RunTable run_table_;         // run hash -> blob_ row
  WordFilter words_;           // the training texts' words (see WordFilterSink)
  std::vector<uint8_t> blob_;  // (rows_ + runs) x row_bytes_
  float idf_unseen2_ = 1;
  float hidden_weight_ = 0.7f;
  std::vector<float> bias_;  // linear_width_
  std::vector<float> b1_;    // hidden_width_
  std::vector<float> v_;     // labels x hidden_width_
  std::vector<float> b2_;    // labels
};

}  // namespace sparouter::classify
