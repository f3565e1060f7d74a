// EmbeddedModel::predict: the request path. Features stream out of the walker in batches; each
// batch is looked up (prefetching the table slots, then the weight rows) and its rows are added
// into per-family accumulators. Logits are linear in the features, so the per-family L2 norms
// are applied once at the end. No allocation once the scratch is warm, no exceptions.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "classify/embedded.hpp"
#include "classify/embedded_simd.hpp"

namespace sparouter::classify {
namespace {

inline void prefetch(const void* p) {
#if defined(__GNUC__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

// out = softmax(z[0..n)); out may alias z.
void softmax(const float* z, size_t n, float* out) {
  float mx = z[0];
  for (size_t c = 1; c < n; ++c) mx = std::max(mx, z[c]);
  float sum = 0;
  for (size_t c = 0; c < n; ++c) {
    out[c] = std::exp(z[c] - mx);
    sum += out[c];
  }
  const float inv = 1.0f / sum;
  for (size_t c = 0; c < n; ++c) out[c] *= inv;
}

}  // namespace

void EmbeddedModel::accumulate(EmbeddedScratch& s, size_t count, float* norm2,
                               uint32_t* unseen) const noexcept {
  const uint16_t gen = s.generation_;
  size_t found = 0;
  for (size_t i = 0; i < count; ++i) {
    const uint32_t row = table_.find(s.keys_[i]);
    if (row == FeatureTable::kNone) {
      ++unseen[s.families_[i]];
      continue;
    }
    if (s.stamps_[row] == gen) continue;  // binary tf: each feature counts once
    s.stamps_[row] = gen;
    s.rows_[found++] = row;
    const uint8_t* p = &blob_[static_cast<size_t>(row) * row_bytes_];
    for (size_t off = 0; off < row_bytes_; off += 64) prefetch(p + off);
  }
  const simd::Kernels& k = simd::kernels();
  float* acc = s.acc_.data();
  for (size_t i = 0; i < found; ++i) {
    const uint8_t* p = &blob_[static_cast<size_t>(s.rows_[i]) * row_bytes_];
    RowHeader h;
    std::memcpy(&h, p, sizeof(h));
    norm2[h.family] += h.idf2;
    k.axpy_i8x2(reinterpret_cast<const int8_t*>(p + sizeof(RowHeader)), h.scale_linear,
                linear_width_, h.scale_hidden, hidden_width_, acc + h.family * stride_);
  }
}

size_t EmbeddedModel::predict(std::string_view text, float* probs,
                              EmbeddedScratch& s) const noexcept {
  if (s.acc_.size() < scratch_floats() || s.stamps_.size() < rows_) s.reserve(*this);
  if (++s.generation_ == 0) {  // stamps wrapped: forget them all, once every 65535 calls
    std::fill(s.stamps_.begin(), s.stamps_.end(), uint16_t{0});
    s.generation_ = 1;
  }
  float* acc = s.acc_.data();
  std::fill(acc, acc + 2 * stride_, 0.0f);
  float norm2[kFeatureFamilies] = {0, 0};
  uint32_t unseen[kFeatureFamilies] = {0, 0};
  size_t count = 0;
  walk_features(text.substr(0, max_text_bytes_), spec_, [&](uint32_t key, FeatureFamily family) {
    s.keys_[count] = key;
    s.families_[count] = static_cast<uint8_t>(family);
    prefetch(table_.probe_address(key));
    if (++count == EmbeddedScratch::kBatch) {
      accumulate(s, count, norm2, unseen);
      count = 0;
    }
  });
  if (count != 0) accumulate(s, count, norm2, unseen);

  float inv[kFeatureFamilies];
  for (size_t f = 0; f < kFeatureFamilies; ++f) {
    const float n2 = norm2[f] + static_cast<float>(unseen[f]) * idf_unseen2_;
    inv[f] = n2 > 0 ? 1.0f / std::sqrt(n2) : 0.0f;
  }
  const size_t n = labels_.size();
  const float* word = acc;
  const float* chars = acc + stride_;
  float* p1 = acc + 2 * stride_;  // linear_width_ floats
  for (size_t c = 0; c < n; ++c) p1[c] = bias_[c] + inv[0] * word[c] + inv[1] * chars[c];
  softmax(p1, n, p1);
  if (hidden_width_ != 0) {
    float* h = p1 + linear_width_;
    float* p2 = h + hidden_width_;
    for (size_t j = 0; j < hidden_width_; ++j) {
      const size_t o = linear_width_ + j;
      h[j] = std::max(0.0f, b1_[j] + inv[0] * word[o] + inv[1] * chars[o]);
    }
    const simd::Kernels& k = simd::kernels();
    for (size_t c = 0; c < n; ++c) p2[c] = b2_[c] + k.dot(&v_[c * hidden_width_], h, hidden_width_);
    softmax(p2, n, p2);
    const float wh = hidden_weight_;
    for (size_t c = 0; c < n; ++c) p1[c] = (1.0f - wh) * p1[c] + wh * p2[c];
  }
  size_t best = 0;
  for (size_t c = 1; c < n; ++c) {
    if (p1[c] > p1[best]) best = c;
  }
  if (probs != nullptr) std::copy(p1, p1 + n, probs);
  return best;
}

}  // namespace sparouter::classify
