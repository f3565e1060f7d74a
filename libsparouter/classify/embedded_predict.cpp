// EmbeddedModel::predict: the request path. Features stream out of the walker in batches; each
// batch is looked up (prefetching the table slots, then the weight rows) and its rows are added
// into per-family accumulators. A word (char run) the model knows is one lookup and one row
// instead of one per n-gram. Logits are linear in the features, so the per-family norms are
// applied once at the end. No allocation once the scratch is warm, no exceptions.
#include <algorithm>
#include <bit>
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

void EmbeddedModel::add_rows(EmbeddedScratch& s, const uint32_t* rows, size_t count,
                             float* norm2) const noexcept {
  // The rows by family (a row's family is its dictionary entry's: the same as the key's but
  // for 32-bit key collisions), then one kernel call per family.
  const simd::Kernels& k = simd::kernels();
  const int8_t* weights[kFeatureFamilies][EmbeddedScratch::kBatch];
  float a1[kFeatureFamilies][EmbeddedScratch::kBatch];
  float a2[kFeatureFamilies][EmbeddedScratch::kBatch];
  size_t n[kFeatureFamilies] = {0, 0};
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* p = &blob_[static_cast<size_t>(rows[i]) * row_bytes_];
    RowHeader h;
    std::memcpy(&h, p, sizeof(h));
    norm2[h.family] += h.idf2;
    const size_t j = n[h.family]++;
    weights[h.family][j] = reinterpret_cast<const int8_t*>(p + sizeof(RowHeader));
    a1[h.family][j] = h.scale_linear;
    a2[h.family][j] = h.scale_hidden;
  }
  float* acc = s.acc_.data();
  for (size_t f = 0; f < kFeatureFamilies; ++f) {
    if (n[f] == 0) continue;
    k.add_rows_i8(weights[f], a1[f], a2[f], n[f], linear_width_, hidden_width_, acc + f * stride_);
  }
}

size_t EmbeddedModel::look_up(EmbeddedScratch& s, const uint32_t* keys, size_t count,
                              FeatureFamily family, uint32_t* rows,
                              uint32_t* missing) const noexcept {
  const uint16_t gen = s.generation_;
  // A small table's filter rules most unknown keys out; a branch per key on its answer would be
  // mispredicted about as often as not, so the others are gathered without one. A big table's
  // slots are prefetched instead (the filter would be one more cache miss per key).
  const uint32_t* maybe = keys;
  size_t candidates = count;
  if (!prefetch_slots_) {
    uint32_t* kept = s.maybe_keys_.data();
    candidates = 0;
    for (size_t i = 0; i < count; ++i) {
      kept[candidates] = keys[i];
      candidates += table_.may_contain(keys[i]);
    }
    maybe = kept;
  }
  uint32_t absent = static_cast<uint32_t>(count - candidates);
  const bool binary = family == FeatureFamily::kWord;  // char n-grams count per run
  size_t found = 0;
  for (size_t i = 0; i < candidates; ++i) {
    const uint32_t row = table_.find(maybe[i]);
    if (row == FeatureTable::kNone) {  // the filter's false "maybe"
      ++absent;
      continue;
    }
    if (binary) {
      if (s.stamps_[row] == gen) continue;
      s.stamps_[row] = gen;
    }
    rows[found++] = row;
    if (prefetch_rows_) {  // as early as possible: the row is added after the batch's lookups
      const uint8_t* p = &blob_[static_cast<size_t>(row) * row_bytes_];
      for (size_t off = 0; off < row_bytes_; off += 64) prefetch(p + off);
    }
  }
  *missing += absent;
  return found;
}

size_t EmbeddedModel::predict(std::string_view text, float* probs,
                              EmbeddedScratch& s) const noexcept {
  using Scratch = EmbeddedScratch;
  const bool memo = remembers_runs();
  if (s.acc_.size() < scratch_floats() || s.stamps_.size() < rows_ ||
      s.runs_.size() < Scratch::kRuns || (memo && s.memo_.size() < Scratch::kMemoSlots)) {
    s.reserve(*this);
  }
  if (++s.generation_ == 0) {  // stamps wrapped: forget them all, once every 65535 calls
    std::fill(s.stamps_.begin(), s.stamps_.end(), uint16_t{0});
    for (Scratch::Run& r : s.runs_) r.generation = 0;
    s.generation_ = 1;
  }
  text = text.substr(0, max_text_bytes_);
  float* acc = s.acc_.data();
  std::fill(acc, acc + 2 * stride_, 0.0f);
  float norm2[kFeatureFamilies] = {0, 0};
  uint32_t unseen[kFeatureFamilies] = {0, 0};

  // Word keys are batched. Each held run is checked against the runs of this text (a repeat
  // adds nothing), then against the model's runs (a known one adds its row). With a big table
  // the n-grams of the other runs are batched too, for the prefetches' sake. With a small one
  // each run's n-grams are looked up at once and the result is remembered in the scratch's
  // Memo; then the char rows of all runs go to the accumulator in text order, however the
  // rows were found.
  struct Sink {
    const EmbeddedModel& m;
    Scratch& s;
    float* norm2;
    uint32_t* unseen;
    bool memo;
    size_t run_mask;  // runs_ slots in use - 1: no more than this text can fill to half
    size_t words = 0;
    size_t chars = 0;
    size_t runs = 0;
    size_t distinct_runs = 0;
    uint64_t run_hash = 0;  // of the run whose char keys come next

    void operator()(uint32_t key, FeatureFamily family) {
      if (m.prefetch_slots_) prefetch(m.table_.probe_address(key));
      if (family == FeatureFamily::kWord) {
        s.word_keys_[words] = key;
        if (++words == Scratch::kBatch) flush_words();
        return;
      }
      s.char_keys_[chars] = key;
      if (++chars == Scratch::kBatch) flush_chars();
    }
    // Small models (the Memo's): most words of a prompt are not training words, and their
    // bigrams are skipped unhashed (0.3 us of 4.9 on the load test's prompt). A big model knows
    // nearly every word, so the check would only add work.
    bool word_known(uint64_t hash) const { return !memo || m.words_.may_contain(hash); }
    void words_unseen(uint32_t n) { unseen[static_cast<size_t>(FeatureFamily::kWord)] += n; }
    void char_keys(const uint32_t* keys, size_t n) {
      if (memo) {
        run_keys(keys, n);
        return;
      }
      while (n > 0) {
        const size_t take = std::min(n, Scratch::kBatch - chars);
        if (m.prefetch_slots_) {
          for (size_t i = 0; i < take; ++i) prefetch(m.table_.probe_address(keys[i]));
        }
        std::memcpy(&s.char_keys_[chars], keys, take * sizeof(uint32_t));
        chars += take;
        keys += take;
        n -= take;
        if (chars == Scratch::kBatch) flush_chars();
      }
    }
    // The char keys of the held run run_hash, with a small table: looked up now, remembered.
    void run_keys(const uint32_t* keys, size_t n) {
      uint32_t found[(kMaxHeldRun + 1) * 7];
      size_t rows = 0;
      uint32_t missing = 0;
      for (size_t i = 0; i < n; i += Scratch::kBatch) {
        const size_t take = std::min(n - i, Scratch::kBatch);
        rows += m.look_up(s, keys + i, take, FeatureFamily::kChar, found + rows, &missing);
      }
      if (rows <= Scratch::kMemoRows) remember(run_hash, missing, found, rows);
      unseen[static_cast<size_t>(FeatureFamily::kChar)] += missing;
      add_char_rows(found, rows);
    }
    // The first of the two slots (ways) a run may occupy: the high bits of its hash (runs_
    // uses the low ones).
    Scratch::Memo* memo_set(uint64_t hash) const {
      return &s.memo_[2 * (static_cast<size_t>(hash >> 54) & (Scratch::kMemoSlots / 2 - 1))];
    }
    // rows <= kMemoRows; missing <= (kMaxHeldRun + 1) * 7, the keys of one held run. The newest
    // run takes the first way and the one it held moves to the second, so that a run met again
    // and again is not pushed out by the next one to share its set. Forced inline: left to GCC,
    // the load-test prompt took 7.2 us instead of 6.6.
    [[gnu::always_inline]] void remember(uint64_t hash, uint32_t missing, const uint32_t* rows,
                                         size_t n) {
      Scratch::Memo* set = memo_set(hash);
      set[1] = set[0];
      Scratch::Memo& e = set[0];
      e.hash = hash;
      e.model = m.serial_;
      e.unseen = static_cast<uint16_t>(missing);
      e.rows = static_cast<uint8_t>(n);
      for (size_t i = 0; i < n; ++i) e.row[i] = rows[i];
    }
    void add_char_rows(const uint32_t* rows, size_t n) {
      while (n > 0) {
        if (runs == Scratch::kBatch) flush_runs();
        const size_t take = std::min(n, Scratch::kBatch - runs);
        uint32_t* out = &s.run_rows_[runs];
        for (size_t i = 0; i < take; ++i) out[i] = rows[i];  // a few: no call to memmove
        runs += take;
        rows += take;
        n -= take;
      }
    }
    bool char_run_begin(uint64_t hash, bool held) {
      if (!held) return true;
      // The first kMaxRunsPerText distinct runs are remembered; later ones count at every
      // occurrence, as in training.
      size_t slot = static_cast<size_t>(hash) & run_mask;
      for (;;) {
        Scratch::Run& r = s.runs_[slot];
        if (r.generation != s.generation_) break;
        if (r.hash == hash) return false;  // a repeat
        slot = (slot + 1) & run_mask;
      }
      if (distinct_runs < kMaxRunsPerText) {
        s.runs_[slot] = Scratch::Run{hash, s.generation_};
        ++distinct_runs;
      }
      if (memo) {
        const Scratch::Memo* set = memo_set(hash);
        for (size_t way = 0; way < 2; ++way) {
          const Scratch::Memo& e = set[way];
          if (e.hash == hash && e.model == m.serial_) {
            unseen[static_cast<size_t>(FeatureFamily::kChar)] += e.unseen;
            add_char_rows(e.row, e.rows);
            return false;
          }
        }
      }
      const uint32_t row = m.run_table_.find(hash);
      if (row == RunTable::kNone) {
        run_hash = hash;
        return true;
      }
      const uint32_t blob_row = static_cast<uint32_t>(m.rows_) + row;
      if (memo) remember(hash, 0, &blob_row, 1);
      if (m.prefetch_rows_) {
        const uint8_t* p = &m.blob_[static_cast<size_t>(blob_row) * m.row_bytes_];
        for (size_t off = 0; off < m.row_bytes_; off += 64) prefetch(p + off);
      }
      add_char_rows(&blob_row, 1);
      return false;
    }
    void flush_words() {
      uint32_t* rows = s.rows_.data();
      const size_t n = m.look_up(s, s.word_keys_.data(), words, FeatureFamily::kWord, rows,
                                 &unseen[static_cast<size_t>(FeatureFamily::kWord)]);
      m.add_rows(s, rows, n, norm2);
      words = 0;
    }
    void flush_chars() {
      uint32_t* rows = s.rows_.data();
      const size_t n = m.look_up(s, s.char_keys_.data(), chars, FeatureFamily::kChar, rows,
                                 &unseen[static_cast<size_t>(FeatureFamily::kChar)]);
      chars = 0;
      if (memo) {
        add_char_rows(rows, n);  // rows_ is free again before add_char_rows may flush
      } else {
        m.add_rows(s, rows, n, norm2);
      }
    }
    void flush_runs() {
      m.add_rows(s, s.run_rows_.data(), runs, norm2);
      runs = 0;
    }
  };
  // Distinct runs of text: at most one per two bytes (a byte and a separator), plus one.
  const size_t run_slots =
      std::min(Scratch::kRuns, std::bit_ceil(std::max<size_t>(text.size() + 2, 16)));
  Sink sink{*this, s, norm2, unseen, memo, run_slots - 1};
  walk_features(text, spec_, sink);
  sink.flush_words();
  sink.flush_chars();
  sink.flush_runs();

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
