// EmbeddedModel::train: checks the input, picks the learner, packs the weights for prediction.
#include "classify/embedded.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <new>
#include <set>

#include "classify/embedded_train.hpp"

namespace sparouter::classify {
namespace {

constexpr size_t kMinUpdates = 20000;  // SGD steps that even a tiny training set gets
constexpr uint64_t kHiddenSeedSalt = 0x6869646465ULL;
constexpr size_t kPrefetchTableBytes = 256 * 1024;  // half of a core's L2 on the machines we run

size_t round16(size_t n) { return (n + 15) & ~size_t{15}; }

Status bad_option(const char* name, const char* message) {
  return invalid(std::string("classifier.embedded.") + name, message);
}

bool positive(float x) { return std::isfinite(x) && x > 0; }

Status check_options(const EmbeddedOptions& o) {
  if (o.word_ngrams > 4) return bad_option("word_ngrams", "must be 0..4");
  if (o.char_ngram_max > 7) return bad_option("char_ngram_max", "must be 0..7");
  if (o.char_ngram_max > 0 && (o.char_ngram_min < 1 || o.char_ngram_min > o.char_ngram_max)) {
    return bad_option("char_ngram_min", "must be 1..char_ngram_max");
  }
  if (o.word_ngrams == 0 && o.char_ngram_max == 0) {
    return bad_option("word_ngrams", "word_ngrams and char_ngram_max are both 0: no features");
  }
  if (o.max_features < 1 || o.max_features > (size_t{1} << 24)) {
    return bad_option("max_features", "must be 1..16777216");
  }
  if (o.max_text_bytes < 1) return bad_option("max_text_bytes", "must be at least 1");
  if (!(o.naive_bayes_below >= 0) || !std::isfinite(o.naive_bayes_below)) {
    return bad_option("naive_bayes_below", "must be a finite number >= 0");
  }
  if (!positive(o.naive_bayes_alpha)) return bad_option("naive_bayes_alpha", "must be > 0");
  if (!(o.hidden_from >= 0) || !std::isfinite(o.hidden_from)) {
    return bad_option("hidden_from", "must be a finite number >= 0");
  }
  if (o.epochs < 1 || o.epochs > 1000) return bad_option("epochs", "must be 1..1000");
  if (!positive(o.learning_rate)) return bad_option("learning_rate", "must be > 0");
  if (!(o.l2 >= 0 && o.l2 * o.learning_rate < 1)) {
    return bad_option("l2", "must be >= 0 and l2 * learning_rate < 1");
  }
  if (o.logistic_runs < 1 || o.logistic_runs > 16) {
    return bad_option("logistic_runs", "must be 1..16");
  }
  if (o.hidden_units > 1024) return bad_option("hidden_units", "must be 0..1024");
  if (o.hidden_units > 0) {
    if (o.hidden_runs < 1 || o.hidden_units * o.hidden_runs > 1024) {
      return bad_option("hidden_runs", "must be >= 1 with hidden_units * hidden_runs <= 1024");
    }
    if (o.hidden_epochs < 1 || o.hidden_epochs > 1000) {
      return bad_option("hidden_epochs", "must be 1..1000");
    }
    if (!positive(o.hidden_learning_rate)) {
      return bad_option("hidden_learning_rate", "must be > 0");
    }
    if (!(o.hidden_weight >= 0 && o.hidden_weight <= 1)) {
      return bad_option("hidden_weight", "must be 0..1");
    }
    if (!(o.hidden_dropout >= 0 && o.hidden_dropout <= 0.9f)) {
      return bad_option("hidden_dropout", "must be 0..0.9");
    }
    if (!(o.hidden_input_dropout >= 0 && o.hidden_input_dropout <= 0.9f)) {
      return bad_option("hidden_input_dropout", "must be 0..0.9");
    }
  }
  return {};
}

Status check_labels(const std::vector<LabelExamples>& labels) {
  if (labels.size() < 2) return invalid("classifier.labels", "needs at least 2 labels");
  std::set<std::string_view> groups;
  for (size_t i = 0; i < labels.size(); ++i) {
    const std::string where = "classifier.labels[" + std::to_string(i) + "]";
    const LabelExamples& l = labels[i];
    if (l.group.empty()) return invalid(where + ".group", "must not be empty");
    if (!groups.insert(l.group).second) {
      return invalid(where + ".group", "duplicate group \"" + l.group + "\"");
    }
    const bool any = std::any_of(l.examples.begin(), l.examples.end(),
                                 [](const std::string& e) { return !e.empty(); });
    if (!any) return invalid(where + ".examples", "needs at least one non-empty example");
  }
  return {};
}

// Symmetric int8 quantisation of n values (times `factor`); returns the scale.
float quantise(const float* x, size_t n, float factor, int8_t* out) {
  float max_abs = 0;
  for (size_t i = 0; i < n; ++i) max_abs = std::max(max_abs, std::fabs(x[i] * factor));
  if (max_abs == 0 || !std::isfinite(max_abs)) return 0;
  const float scale = max_abs / 127.0f;
  for (size_t i = 0; i < n; ++i) {
    const float q = std::nearbyint(x[i] * factor / scale);
    out[i] = static_cast<int8_t>(std::clamp(q, -127.0f, 127.0f));
  }
  return scale;
}

}  // namespace

Result<std::shared_ptr<const EmbeddedModel>> EmbeddedModel::train(
    const std::vector<LabelExamples>& labels, const EmbeddedOptions& options) {
  if (Status s = check_options(options); !s.ok()) return s;
  if (Status s = check_labels(labels); !s.ok()) return s;
  try {
    auto model = std::make_shared<EmbeddedModel>(Key{});
    model->spec_ = FeatureSpec{options.word_ngrams, options.char_ngram_min, options.char_ngram_max};
    model->max_text_bytes_ = options.max_text_bytes;
    std::vector<embedded_train::Example> examples;
    for (size_t i = 0; i < labels.size(); ++i) {
      model->labels_.push_back(labels[i].group);
      for (const std::string& text : labels[i].examples) {
        if (text.empty()) continue;
        const std::string_view view = std::string_view(text).substr(0, options.max_text_bytes);
        examples.push_back(embedded_train::Example{view, static_cast<uint32_t>(i)});
      }
    }
    const embedded_train::Corpus corpus =
        embedded_train::build_corpus(examples, model->spec_, options.max_features);
    const size_t n_labels = labels.size();
    const double per_label = static_cast<double>(examples.size()) / static_cast<double>(n_labels);
    if (per_label < options.naive_bayes_below) {
      model->method_ = EmbeddedMethod::kNaiveBayes;
      model->pack(corpus,
                  embedded_train::train_naive_bayes(corpus, n_labels, options.naive_bayes_alpha),
                  nullptr);
      return std::shared_ptr<const EmbeddedModel>(std::move(model));
    }
    embedded_train::SgdParams lr;
    lr.epochs = embedded_train::epochs_for(examples.size(), options.epochs, kMinUpdates);
    lr.learning_rate = options.learning_rate;
    lr.l2 = options.l2;
    lr.seed = options.seed;
    const embedded_train::Linear linear =
        embedded_train::train_logistic_runs(corpus, n_labels, lr, options.logistic_runs);
    if (options.hidden_units == 0 || per_label < options.hidden_from) {
      model->method_ = EmbeddedMethod::kLogistic;
      model->pack(corpus, linear, nullptr);
      return std::shared_ptr<const EmbeddedModel>(std::move(model));
    }
    embedded_train::SgdParams hp;
    hp.epochs = embedded_train::epochs_for(examples.size(), options.hidden_epochs, kMinUpdates);
    hp.learning_rate = options.hidden_learning_rate;
    hp.dropout = options.hidden_dropout;
    hp.input_dropout = options.hidden_input_dropout;
    hp.seed = options.seed ^ kHiddenSeedSalt;
    const embedded_train::Hidden hidden = embedded_train::train_hidden_runs(
        corpus, n_labels, options.hidden_units, hp, options.hidden_runs);
    model->method_ = EmbeddedMethod::kLogisticHidden;
    model->hidden_weight_ = options.hidden_weight;
    model->pack(corpus, linear, &hidden);
    return std::shared_ptr<const EmbeddedModel>(std::move(model));
  } catch (const std::bad_alloc&) {
    return Error{Code::kNoMem, "out of memory while training the classifier", "classifier.labels"};
  }
}

void EmbeddedModel::pack(const embedded_train::Corpus& corpus, const embedded_train::Linear& linear,
                         const embedded_train::Hidden* hidden) {
  const size_t n_labels = labels_.size();
  const size_t rows = corpus.rows();
  linear_width_ = round16(n_labels);
  hidden_ = hidden != nullptr ? hidden->units : 0;
  hidden_width_ = round16(hidden_);
  stride_ = linear_width_ + hidden_width_;
  row_bytes_ = sizeof(RowHeader) + stride_;
  rows_ = rows;
  const size_t runs = corpus.run_hashes.size();
  blob_.assign((rows + runs) * row_bytes_, 0);
  // Rows hold idf * w so that prediction adds rows scaled only by 1 / norm.
  for (size_t r = 0; r < rows; ++r) {
    const float idf = corpus.idf[r];
    uint8_t* row = &blob_[r * row_bytes_];
    int8_t* q = reinterpret_cast<int8_t*>(row + sizeof(RowHeader));
    RowHeader h{};
    h.scale_linear = quantise(&linear.w[r * n_labels], n_labels, idf, q);
    h.scale_hidden =
        hidden != nullptr ? quantise(&hidden->e[r * hidden_], hidden_, idf, q + linear_width_) : 0;
    h.idf2 = idf * idf;
    h.family = corpus.families[r];
    std::memcpy(row, &h, sizeof(h));
  }
  table_.build(corpus.keys);
  words_.build(corpus.words);
  prefetch_slots_ = table_.memory_bytes() > kPrefetchTableBytes;
  static std::atomic<uint32_t> serials{0};
  do {
    serial_ = serials.fetch_add(1, std::memory_order_relaxed) + 1;
  } while (serial_ == 0);  // 0 marks an empty Memo entry
  idf_unseen2_ = corpus.idf_unseen * corpus.idf_unseen;
  // Run rows: the sum of a run's char rows, and the sum of their shares of the norm. A run with
  // a row of the word family (a 32-bit key collision) has none: its n-grams are looked up.
  std::vector<uint64_t> run_keys;
  std::vector<float> lin(n_labels);
  std::vector<float> hid(hidden_);
  for (size_t u = 0; u < runs; ++u) {
    std::fill(lin.begin(), lin.end(), 0.0f);
    std::fill(hid.begin(), hid.end(), 0.0f);
    double norm2 = 0;
    bool ok = true;
    for (uint32_t i = corpus.run_start[u]; i < corpus.run_start[u + 1] && ok; ++i) {
      const uint32_t r = corpus.run_rows[i];
      if (r == FeatureTable::kNone) {
        norm2 += idf_unseen2_;
        continue;
      }
      ok = corpus.families[r] == static_cast<uint8_t>(FeatureFamily::kChar);
      const float idf = corpus.idf[r];
      norm2 += static_cast<double>(idf) * idf;
      for (size_t c = 0; c < n_labels; ++c) lin[c] += idf * linear.w[r * n_labels + c];
      for (size_t j = 0; j < hidden_; ++j) hid[j] += idf * hidden->e[r * hidden_ + j];
    }
    if (!ok) continue;
    uint8_t* row = &blob_[(rows + run_keys.size()) * row_bytes_];
    int8_t* q = reinterpret_cast<int8_t*>(row + sizeof(RowHeader));
    RowHeader h{};
    h.scale_linear = quantise(lin.data(), n_labels, 1.0f, q);
    h.scale_hidden = hidden_ != 0 ? quantise(hid.data(), hidden_, 1.0f, q + linear_width_) : 0;
    h.idf2 = static_cast<float>(norm2);
    h.family = static_cast<uint32_t>(FeatureFamily::kChar);
    std::memcpy(row, &h, sizeof(h));
    run_keys.push_back(corpus.run_hashes[u]);
  }
  blob_.resize((rows + run_keys.size()) * row_bytes_);
  blob_.shrink_to_fit();
  run_table_.build(run_keys);  // its row i is blob_ row rows_ + i
  prefetch_rows_ = blob_.size() > kPrefetchTableBytes;
  bias_.assign(linear_width_, 0.0f);
  std::copy(linear.bias.begin(), linear.bias.end(), bias_.begin());
  if (hidden != nullptr) {
    b1_.assign(hidden_width_, 0.0f);
    std::copy(hidden->b1.begin(), hidden->b1.end(), b1_.begin());
    v_.assign(n_labels * hidden_width_, 0.0f);
    for (size_t c = 0; c < n_labels; ++c) {
      std::copy_n(&hidden->v[c * hidden_], hidden_, &v_[c * hidden_width_]);
    }
    b2_ = hidden->b2;
  }
}

size_t EmbeddedModel::memory_bytes() const noexcept {
  size_t bytes =
      sizeof(*this) + table_.memory_bytes() + run_table_.memory_bytes() + words_.memory_bytes() +
      blob_.capacity() +
      (bias_.capacity() + b1_.capacity() + v_.capacity() + b2_.capacity()) * sizeof(float);
  for (const std::string& l : labels_) bytes += sizeof(std::string) + l.capacity();
  return bytes;
}

void EmbeddedScratch::reserve(const EmbeddedModel& model) {
  if (acc_.size() < model.scratch_floats()) acc_.resize(model.scratch_floats());
  if (stamps_.size() < model.rows_) stamps_.resize(model.rows_, 0);
  if (runs_.size() < kRuns) runs_.resize(kRuns, Run{0, 0});
  if (model.remembers_runs() && memo_.size() < kMemoSlots) memo_.resize(kMemoSlots, Memo{});
}

}  // namespace sparouter::classify
