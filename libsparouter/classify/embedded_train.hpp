// Training of the embedded classifier, in float: the corpus (dictionary, IDF, normalised sparse
// vectors) and the three learners. embedded.cpp packs the result for prediction.
//
// Feature value of a text (training and prediction alike), times its IDF, ln((1 + N) / (1 + df))
// + 1: a word feature counts once (binary tf); a char n-gram counts once per distinct word (run)
// it occurs in, so that a word's n-grams add up to one vector per word. Each family is divided
// by sqrt(sum of count * idf^2), its L2 norm had no two occurrences been the same feature.
// Features outside the dictionary carry no weight but do count in the norm (with the IDF of
// df = 0, once per occurrence), so a text made mostly of unknown n-grams scores close to the
// empty text, i.e. with a low confidence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "classify/embedded_features.hpp"

namespace sparouter::classify::embedded_train {

struct Corpus {
  // Dictionary: row -> feature key, family and IDF.
  std::vector<uint32_t> keys;
  std::vector<uint8_t> families;
  std::vector<float> idf;
  float idf_unseen = 1;
  // Examples as sparse rows (CSR): values already weighted and normalised.
  std::vector<uint32_t> start{0};
  std::vector<uint32_t> ids;
  std::vector<float> values;
  std::vector<uint32_t> labels;
  // The distinct held runs (words) of the texts, at most max_features: hash and the rows of its
  // char n-grams (FeatureTable::kNone for unseen ones), CSR. Prediction adds a known run's
  // n-grams as one precomputed row.
  std::vector<uint64_t> run_hashes;
  std::vector<uint32_t> run_start{0};
  std::vector<uint32_t> run_rows;
  // The hashes of all words of the texts (distinct, sorted): no word feature holds another.
  std::vector<uint64_t> words;

  size_t examples() const { return labels.size(); }
  size_t rows() const { return keys.size(); }
};

struct Example {
  std::string_view text;
  uint32_t label;
};

// The dictionary keeps the max_features most frequent features (by document frequency, ties by
// key), so memory stays bounded however much text comes in.
Corpus build_corpus(const std::vector<Example>& examples, const FeatureSpec& spec,
                    size_t max_features);

// A linear layer over the dictionary: logits = bias + sum_f x_f * w[f].
struct Linear {
  size_t labels = 0;
  std::vector<float> w;  // rows x labels
  std::vector<float> bias;
};

// One hidden ReLU layer: logits = b2 + V relu(b1 + sum_f x_f * e[f]).
struct Hidden {
  size_t units = 0;
  size_t labels = 0;
  std::vector<float> e;  // rows x units
  std::vector<float> b1;
  std::vector<float> v;  // labels x units
  std::vector<float> b2;
};

struct SgdParams {
  uint32_t epochs = 10;
  float learning_rate = 3.0f;  // decays linearly to 0 over the run
  float l2 = 1e-6f;
  float dropout = 0;        // hidden layer only: of the hidden units
  float input_dropout = 0;  // hidden layer only: of the example's features
  uint64_t seed = 0;
};

// Multinomial naive Bayes over the feature values, Lidstone smoothing alpha.
Linear train_naive_bayes(const Corpus& corpus, size_t labels, float alpha);

// Softmax logistic regression by SGD, examples shuffled each epoch with the seeded RNG.
Linear train_logistic(const Corpus& corpus, size_t labels, const SgdParams& params);

// The same features through one hidden layer, trained by SGD with dropout on the input features
// and on the hidden units.
Hidden train_hidden(const Corpus& corpus, size_t labels, size_t units, const SgdParams& params);

// `runs` models from the seeds seed, seed + 1, ..., averaged in logit space, which a single
// model of the same kind represents exactly: the linear weights are averaged; the hidden layers
// sit side by side (units * runs) and the output weights are divided by runs. Averaging smooths
// out the SGD noise of one run (the order of the examples) without any cost at prediction.
Linear train_logistic_runs(const Corpus& corpus, size_t labels, const SgdParams& params,
                           uint32_t runs);
Hidden train_hidden_runs(const Corpus& corpus, size_t labels, size_t units, const SgdParams& params,
                         uint32_t runs);

// Epochs so that tiny training sets still get enough updates: at least `epochs`, and at least
// min_updates steps, at most 100 epochs.
uint32_t epochs_for(size_t examples, uint32_t epochs, size_t min_updates);

}  // namespace sparouter::classify::embedded_train
