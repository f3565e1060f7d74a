#include "classify/embedded_train.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>
#include <utility>

#include "classify/embedded_rng.hpp"
#include "classify/embedded_simd.hpp"
#include "classify/embedded_table.hpp"

namespace sparouter::classify::embedded_train {
namespace {

using Occurrence = std::pair<uint32_t, uint8_t>;  // key, family

constexpr float kNegligibleGradient = 1e-4f;

struct RunSpan {
  uint64_t hash;
  uint32_t begin;  // its char keys: occurrences [begin, begin + count)
  uint32_t count;
};

// Collects the feature occurrences of a text under prediction's rule for runs (see
// kMaxRunsPerText): a held run seen before in the text yields nothing; the spans of the
// distinct held runs are noted, and so is every word (for prediction's WordFilter).
struct RunCollector {
  std::vector<Occurrence>& out;
  std::vector<RunSpan>& spans;
  std::unordered_set<uint64_t>& seen;
  std::vector<uint64_t>& words;
  bool open = false;  // the last span is still taking keys

  bool word_known(uint64_t hash) {
    words.push_back(hash);
    return true;  // training takes every word's keys
  }
  void words_unseen(uint32_t) {}

  void operator()(uint32_t key, FeatureFamily family) {
    if (family == FeatureFamily::kChar && open) {
      ++spans.back().count;
    } else {
      open = false;
    }
    out.emplace_back(key, static_cast<uint8_t>(family));
  }
  bool char_run_begin(uint64_t hash, bool held) {
    open = false;
    if (!held) return true;
    if (seen.count(hash) != 0) return false;
    if (seen.size() == kMaxRunsPerText) return true;
    seen.insert(hash);
    spans.push_back(RunSpan{hash, static_cast<uint32_t>(out.size()), 0});
    open = true;
    return true;
  }
};

void collect(std::string_view text, const FeatureSpec& spec, std::vector<Occurrence>& out) {
  out.clear();
  walk_features(text, spec, [&out](uint32_t key, FeatureFamily family) {
    out.emplace_back(key, static_cast<uint8_t>(family));
  });
}

// Starts loading the weight rows of example e, one SGD step ahead: the rows are scattered over
// megabytes, and without this the steps wait on memory most of the time.
void prefetch_rows(const Corpus& corpus, uint32_t e, const float* table, size_t width) {
#if defined(__GNUC__)
  const size_t bytes = width * sizeof(float);
  for (uint32_t i = corpus.start[e]; i < corpus.start[e + 1]; ++i) {
    const char* row =
        reinterpret_cast<const char*>(table + static_cast<size_t>(corpus.ids[i]) * width);
    for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch(row + off, 1);
  }
#else
  (void)corpus, (void)e, (void)table, (void)width;
#endif
}

// Writes softmax(z) - onehot(label) into g; z is clobbered.
void softmax_gradient(float* z, size_t n, uint32_t label, float* g) {
  float mx = z[0];
  for (size_t c = 1; c < n; ++c) mx = std::max(mx, z[c]);
  float sum = 0;
  for (size_t c = 0; c < n; ++c) {
    z[c] = std::exp(z[c] - mx);
    sum += z[c];
  }
  const float inv = 1.0f / sum;
  for (size_t c = 0; c < n; ++c) g[c] = z[c] * inv;
  g[label] -= 1.0f;
}

}  // namespace

uint32_t epochs_for(size_t examples, uint32_t epochs, size_t min_updates) {
  if (examples == 0) return epochs;
  const size_t wanted = (min_updates + examples - 1) / examples;
  return static_cast<uint32_t>(std::clamp<size_t>(std::max<size_t>(wanted, epochs), 1, 100));
}

Corpus build_corpus(const std::vector<Example>& examples, const FeatureSpec& spec,
                    size_t max_features) {
  Corpus corpus;
  const size_t n = examples.size();
  // First pass: distinct features per example, for the document frequencies.
  std::vector<Occurrence> all;
  std::vector<Occurrence> occ;
  for (size_t e = 0; e < n; ++e) {
    collect(examples[e].text, spec, occ);
    std::sort(occ.begin(), occ.end());
    occ.erase(
        std::unique(occ.begin(), occ.end(),
                    [](const Occurrence& a, const Occurrence& b) { return a.first == b.first; }),
        occ.end());
    all.insert(all.end(), occ.begin(), occ.end());
  }
  // Document frequency per key: sort all (key, family) pairs and count runs.
  std::sort(all.begin(), all.end());
  struct Entry {
    uint32_t key;
    uint8_t family;
    uint32_t df;
  };
  std::vector<Entry> entries;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    entries.push_back(Entry{all[i].first, all[i].second, static_cast<uint32_t>(j - i)});
    i = j;
  }
  all = {};
  if (entries.size() > max_features) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.df > b.df; });
    entries.resize(max_features);
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.key < b.key; });
  }
  const double docs = static_cast<double>(n);
  corpus.keys.reserve(entries.size());
  for (const Entry& en : entries) {
    corpus.keys.push_back(en.key);
    corpus.families.push_back(en.family);
    corpus.idf.push_back(static_cast<float>(std::log((1 + docs) / (1 + en.df)) + 1));
  }
  corpus.idf_unseen = static_cast<float>(std::log(1 + docs) + 1);
  FeatureTable table;
  table.build(corpus.keys);

  // Second pass: the normalised sparse vector of each example, exactly as prediction sees it,
  // and the runs (words) met, for prediction's per-run rows.
  std::vector<uint32_t> row_ids;  // row, with kCounted set for a char occurrence
  std::vector<std::pair<uint32_t, float>> weighted;
  std::vector<RunSpan> spans;
  std::unordered_set<uint64_t> text_runs;
  std::unordered_set<uint64_t> all_runs;
  constexpr uint32_t kCounted = 0x80000000u;
  for (size_t e = 0; e < n; ++e) {
    RunCollector sink{occ, spans, text_runs, corpus.words};
    occ.clear();
    spans.clear();
    text_runs.clear();
    walk_features(examples[e].text, spec, sink);
    double norm2[kFeatureFamilies] = {0, 0};
    row_ids.clear();
    for (const Occurrence& o : occ) {
      const uint32_t row = table.find(o.first);
      if (row == FeatureTable::kNone) {
        norm2[o.second] += static_cast<double>(corpus.idf_unseen) * corpus.idf_unseen;
      } else {
        row_ids.push_back(o.second == static_cast<uint8_t>(FeatureFamily::kChar) ? row | kCounted
                                                                                 : row);
      }
    }
    // A word feature counts once (binary), a char one once per occurrence.
    std::sort(row_ids.begin(), row_ids.end());
    weighted.clear();
    for (size_t i = 0; i < row_ids.size();) {
      const uint32_t id = row_ids[i];
      size_t j = i + 1;
      while (j < row_ids.size() && row_ids[j] == id) ++j;
      const float count = (id & kCounted) != 0 ? static_cast<float>(j - i) : 1.0f;
      const uint32_t row = id & ~kCounted;
      if (!weighted.empty() && weighted.back().first == row) {
        weighted.back().second += count;  // a key collision across the families
      } else {
        weighted.emplace_back(row, count);
      }
      i = j;
    }
    for (const auto& [row, count] : weighted) {
      norm2[corpus.families[row]] +=
          static_cast<double>(count) * corpus.idf[row] * static_cast<double>(corpus.idf[row]);
    }
    for (const auto& [row, count] : weighted) {
      const double norm = std::sqrt(norm2[corpus.families[row]]);
      corpus.ids.push_back(row);
      corpus.values.push_back(static_cast<float>(count * corpus.idf[row] / norm));
    }
    corpus.start.push_back(static_cast<uint32_t>(corpus.ids.size()));
    corpus.labels.push_back(examples[e].label);
    for (const RunSpan& span : spans) {
      if (corpus.run_hashes.size() >= max_features) break;
      if (!all_runs.insert(span.hash).second) continue;
      corpus.run_hashes.push_back(span.hash);
      for (uint32_t i = span.begin; i < span.begin + span.count; ++i) {
        corpus.run_rows.push_back(table.find(occ[i].first));
      }
      corpus.run_start.push_back(static_cast<uint32_t>(corpus.run_rows.size()));
    }
  }
  std::sort(corpus.words.begin(), corpus.words.end());
  corpus.words.erase(std::unique(corpus.words.begin(), corpus.words.end()), corpus.words.end());
  return corpus;
}

Linear train_naive_bayes(const Corpus& corpus, size_t labels, float alpha) {
  const size_t rows = corpus.rows();
  std::vector<double> counts(rows * labels, 0.0);
  std::vector<double> totals(labels, 0.0);
  std::vector<double> prior(labels, 0.0);
  for (size_t e = 0; e < corpus.examples(); ++e) {
    const uint32_t y = corpus.labels[e];
    prior[y] += 1;
    for (uint32_t k = corpus.start[e]; k < corpus.start[e + 1]; ++k) {
      counts[static_cast<size_t>(corpus.ids[k]) * labels + y] += corpus.values[k];
      totals[y] += corpus.values[k];
    }
  }
  Linear out;
  out.labels = labels;
  out.w.resize(rows * labels);
  out.bias.resize(labels);
  const double a = alpha;
  for (size_t c = 0; c < labels; ++c) {
    const double denom = std::log(totals[c] + a * static_cast<double>(rows));
    for (size_t r = 0; r < rows; ++r) {
      out.w[r * labels + c] = static_cast<float>(std::log(counts[r * labels + c] + a) - denom);
    }
    out.bias[c] = static_cast<float>(std::log(prior[c] / static_cast<double>(corpus.examples())));
  }
  // Each row's mean over labels adds the same to every logit: removing it changes no
  // probability and keeps the weights small for quantisation.
  for (size_t r = 0; r < rows; ++r) {
    float* w = &out.w[r * labels];
    double mean = 0;
    for (size_t c = 0; c < labels; ++c) mean += w[c];
    mean /= static_cast<double>(labels);
    for (size_t c = 0; c < labels; ++c) w[c] -= static_cast<float>(mean);
  }
  return out;
}

Linear train_logistic(const Corpus& corpus, size_t labels, const SgdParams& params) {
  const simd::Kernels& k = simd::kernels();
  Linear m;
  m.labels = labels;
  m.w.assign(corpus.rows() * labels, 0.0f);
  m.bias.assign(labels, 0.0f);
  const size_t n = corpus.examples();
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
  SplitMix64 rng(params.seed);
  std::vector<float> z(labels);
  std::vector<float> g(labels);
  const double total = static_cast<double>(params.epochs) * static_cast<double>(n);
  size_t step = 0;
  for (uint32_t epoch = 0; epoch < params.epochs; ++epoch) {
    rng.shuffle(order);
    for (size_t oi = 0; oi < n; ++oi) {
      const uint32_t e = order[oi];
      if (oi + 1 < n) prefetch_rows(corpus, order[oi + 1], m.w.data(), labels);
      const uint32_t s = corpus.start[e];
      const uint32_t t = corpus.start[e + 1];
      std::copy(m.bias.begin(), m.bias.end(), z.begin());
      for (uint32_t i = s; i < t; ++i) {
        k.axpy(corpus.values[i], &m.w[static_cast<size_t>(corpus.ids[i]) * labels], z.data(),
               labels);
      }
      softmax_gradient(z.data(), labels, corpus.labels[e], g.data());
      const float lr =
          params.learning_rate * static_cast<float>(1.0 - static_cast<double>(step) / total);
      k.axpy(-lr, g.data(), m.bias.data(), labels);
      const float decay = 1.0f - lr * params.l2;
      for (uint32_t i = s; i < t; ++i) {
        k.scale_axpy(-lr * corpus.values[i], g.data(), decay,
                     &m.w[static_cast<size_t>(corpus.ids[i]) * labels], labels);
      }
      ++step;
    }
  }
  return m;
}

Hidden train_hidden(const Corpus& corpus, size_t labels, size_t units, const SgdParams& params) {
  const simd::Kernels& k = simd::kernels();
  SplitMix64 rng(params.seed);
  Hidden m;
  m.units = units;
  m.labels = labels;
  m.e.resize(corpus.rows() * units);
  for (float& x : m.e) x = 0.1f * rng.normal();
  m.b1.assign(units, 0.0f);
  m.v.resize(labels * units);
  const float v_scale = std::sqrt(2.0f / static_cast<float>(units));
  for (float& x : m.v) x = v_scale * rng.normal();
  m.b2.assign(labels, 0.0f);

  const size_t n = corpus.examples();
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
  std::vector<float> h(units);
  std::vector<float> gh(units);
  std::vector<float> z(labels);
  std::vector<float> g(labels);
  std::vector<float> x;  // the example's feature values after input dropout
  const float in_scale = 1.0f / (1.0f - params.input_dropout);
  const float keep = 1.0f - params.dropout;
  const float inv_keep = 1.0f / keep;
  const double total = static_cast<double>(params.epochs) * static_cast<double>(n);
  size_t step = 0;
  for (uint32_t epoch = 0; epoch < params.epochs; ++epoch) {
    rng.shuffle(order);
    for (size_t oi = 0; oi < n; ++oi) {
      const uint32_t e = order[oi];
      if (oi + 1 < n) prefetch_rows(corpus, order[oi + 1], m.e.data(), units);
      const uint32_t s = corpus.start[e];
      const uint32_t t = corpus.start[e + 1];
      std::copy(m.b1.begin(), m.b1.end(), h.begin());
      x.clear();
      for (uint32_t i = s; i < t; ++i) {  // input dropout: features left out, the rest scaled up
        float v = corpus.values[i];
        if (params.input_dropout > 0) {
          v = rng.uniform() < params.input_dropout ? 0.0f : v * in_scale;
        }
        x.push_back(v);
        if (v != 0) k.axpy(v, &m.e[static_cast<size_t>(corpus.ids[i]) * units], h.data(), units);
      }
      for (size_t j = 0; j < units; ++j) {  // ReLU with inverted dropout
        const bool kept = params.dropout <= 0 || rng.uniform() < keep;
        h[j] = (kept && h[j] > 0) ? h[j] * inv_keep : 0.0f;
      }
      for (size_t c = 0; c < labels; ++c) z[c] = m.b2[c] + k.dot(&m.v[c * units], h.data(), units);
      softmax_gradient(z.data(), labels, corpus.labels[e], g.data());
      const float lr =
          params.learning_rate * static_cast<float>(1.0 - static_cast<double>(step) / total);
      std::fill(gh.begin(), gh.end(), 0.0f);
      for (size_t c = 0; c < labels; ++c) {
        // Labels the example is confidently not: their gradient is negligible, skip the work.
        if (std::fabs(g[c]) < kNegligibleGradient) continue;
        float* vc = &m.v[c * units];
        k.axpy(g[c], vc, gh.data(), units);
        k.axpy(-lr * g[c], h.data(), vc, units);
        m.b2[c] -= lr * g[c];
      }
      for (size_t j = 0; j < units; ++j) gh[j] = h[j] > 0 ? gh[j] * inv_keep : 0.0f;
      k.axpy(-lr, gh.data(), m.b1.data(), units);
      for (uint32_t i = s; i < t; ++i) {
        const float v = x[i - s];
        if (v != 0) {
          k.axpy(-lr * v, gh.data(), &m.e[static_cast<size_t>(corpus.ids[i]) * units], units);
        }
      }
      ++step;
    }
  }
  return m;
}

Linear train_logistic_runs(const Corpus& corpus, size_t labels, const SgdParams& params,
                           uint32_t runs) {
  SgdParams p = params;
  Linear sum = train_logistic(corpus, labels, p);
  for (uint32_t r = 1; r < runs; ++r) {
    p.seed = params.seed + r;
    const Linear next = train_logistic(corpus, labels, p);
    for (size_t i = 0; i < sum.w.size(); ++i) sum.w[i] += next.w[i];
    for (size_t i = 0; i < sum.bias.size(); ++i) sum.bias[i] += next.bias[i];
  }
  const float inv = 1.0f / static_cast<float>(runs);
  for (float& x : sum.w) x *= inv;
  for (float& x : sum.bias) x *= inv;
  return sum;
}

Hidden train_hidden_runs(const Corpus& corpus, size_t labels, size_t units, const SgdParams& params,
                         uint32_t runs) {
  if (runs <= 1) return train_hidden(corpus, labels, units, params);
  const size_t rows = corpus.rows();
  const size_t total = units * runs;
  Hidden out;
  out.units = total;
  out.labels = labels;
  out.e.resize(rows * total);
  out.b1.resize(total);
  out.v.resize(labels * total);
  out.b2.assign(labels, 0.0f);
  const float inv = 1.0f / static_cast<float>(runs);
  SgdParams p = params;
  for (uint32_t r = 0; r < runs; ++r) {
    p.seed = params.seed + r;
    const Hidden h = train_hidden(corpus, labels, units, p);
    const size_t off = r * units;
    for (size_t row = 0; row < rows; ++row) {
      std::copy_n(&h.e[row * units], units, &out.e[row * total + off]);
    }
    std::copy_n(h.b1.begin(), units, out.b1.begin() + static_cast<std::ptrdiff_t>(off));
    for (size_t c = 0; c < labels; ++c) {
      for (size_t j = 0; j < units; ++j) out.v[c * total + off + j] = h.v[c * units + j] * inv;
      out.b2[c] += h.b2[c] * inv;
    }
  }
  return out;
}

}  // namespace sparouter::classify::embedded_train
