// A frozen copy of the feature walker as it was before the block walker (commit 1a2a90e):
// the byte-at-a-time extractor, kept as the reference that embedded_walk_diff_test compares the
// library's walker with. Do not "fix" it: a difference from it changes trained models.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "classify/embedded_features.hpp"  // FeatureSpec, FeatureFamily, the sink concepts

namespace sparouter::classify::reference {

namespace features_detail {

inline constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;

inline uint64_t mix64(uint64_t x) {  // splitmix64 finaliser: cheap, good avalanche
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

enum ByteClass : uint8_t { kSep = 0, kWordByte = 1, kApostrophe = 2, kHigh = 3 };

struct ByteTable {
  uint8_t cls[256];
  uint8_t fold[256];  // normalised byte
  uint8_t word[256];  // fold[b] for an ASCII word byte, else 0 (never a folded byte): one load
  constexpr ByteTable() : cls(), fold(), word() {
    for (int b = 0; b < 256; ++b) {
      fold[b] = static_cast<uint8_t>(b);
      cls[b] = b >= 0x80 ? kHigh : kSep;
      if (b >= 'a' && b <= 'z') cls[b] = kWordByte;
      if (b >= 'A' && b <= 'Z') {
        cls[b] = kWordByte;
        fold[b] = static_cast<uint8_t>(b - 'A' + 'a');
      }
      if (b >= '0' && b <= '9') {
        cls[b] = kWordByte;
        fold[b] = '0';
      }
    }
    cls[static_cast<unsigned char>('\'')] = kApostrophe;
    for (int b = 0; b < 256; ++b) word[b] = cls[b] == kWordByte ? fold[b] : 0;
  }
};
inline constexpr ByteTable kBytes{};

enum CodePointClass : uint8_t { kCpWord, kCpSep, kCpCjk };

inline CodePointClass classify_code_point(uint32_t cp) {
  if (cp <= 0xBF) return kCpSep;  // Latin-1 punctuation, NBSP, and C1 controls
  if (cp == 0xD7 || cp == 0xF7) return kCpSep;
  if (cp >= 0x2000 && cp <= 0x206F) return kCpSep;  // general punctuation, typographic quotes
  if (cp >= 0x3000 && cp <= 0x303F) return kCpSep;  // CJK punctuation
  if ((cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
      (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65)) {
    return kCpSep;  // full-width punctuation
  }
  if ((cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0x20000 && cp <= 0x3FFFF)) {
    return kCpCjk;
  }
  return kCpWord;
}

// Length of a well-formed UTF-8 sequence at p (1 for anything malformed) and its code point.
inline size_t decode_utf8(const unsigned char* p, size_t left, uint32_t* cp) {
  const unsigned char b0 = p[0];
  size_t n = 0;
  uint32_t v = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    v = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    v = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    v = b0 & 0x07u;
  } else {
    return 1;
  }
  if (n > left) return 1;
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0u) != 0x80u) return 1;
    v = (v << 6) | (p[i] & 0x3Fu);
  }
  if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v <= 0xDFFF)) {
    return 1;  // overlong or surrogate
  }
  *cp = v;
  return n;
}

}  // namespace features_detail

// Walks `text` and calls sink(uint32_t key, FeatureFamily family) once per feature occurrence.
// Keys are 32-bit hashes of the feature (collisions among a model's ~10^5 features are rare and
// harmless); the model maps seen keys to weight rows.
template <class Sink>
class FeatureWalker {
 public:
  FeatureWalker(const FeatureSpec& spec, Sink& sink)
      : sink_(sink),
        word_max_(spec.word_ngram_max > kMaxWordN ? kMaxWordN : spec.word_ngram_max),
        char_min_(spec.char_ngram_min < 1 ? 1 : spec.char_ngram_min),
        char_max_(spec.char_ngram_max > 7 ? 7 : spec.char_ngram_max) {}

  void run(std::string_view text) {
    using namespace features_detail;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
      const unsigned char b = p[i];
      const uint8_t cls = kBytes.cls[b];
      if (cls == kWordByte) {
        if constexpr (CharRunSink<Sink> && !BytewiseSink<Sink>) {
          if (held_span_ready()) {
            i = held_word_span(p, i, n);
            continue;
          }
        }
        word_byte(kBytes.fold[b]);
        ++i;
        continue;
      }
      if (cls == kSep) {
        end_word();
        end_char_run();
        ++i;
        continue;
      }
      if (cls == kApostrophe) {  // inside a word it is dropped, elsewhere it separates
        if (!word_open_ || i + 1 >= n || kBytes.cls[p[i + 1]] != kWordByte) {
          end_word();
          end_char_run();
        }
        ++i;
        continue;
      }
      uint32_t cp = 0;
      const size_t len = decode_utf8(p + i, n - i, &cp);
      const CodePointClass cpc = len == 1 ? kCpWord : classify_code_point(cp);
      if (cpc == kCpWord) {
        for (size_t k = 0; k < len; ++k) word_byte(p[i + k]);
      } else if (cpc == kCpSep) {
        if (cp == 0x2019 && word_open_ && i + len < n && kBytes.cls[p[i + len]] == kWordByte) {
          // typographic apostrophe inside a word: dropped like '\''
        } else {
          end_word();
          end_char_run();
        }
      } else {  // CJK: one word per code point; the char run continues across them
        if (word_open_ && !cjk_run_) {
          end_word();
          end_char_run();
        }
        cjk_run_ = true;
        for (size_t k = 0; k < len; ++k) {
          char_byte(p[i + k]);
          word_hash_ = (word_hash_ ^ p[i + k]) * 0x100000001B3ULL;
        }
        word_open_ = true;
        end_word();
      }
      i += len;
    }
    end_word();
    end_char_run();
  }

 private:
  static constexpr uint32_t kMaxWordN = 4;
  static constexpr uint64_t kWordSalt = 0x77u;
  static constexpr uint64_t kFnvBasis = 0xCBF29CE484222325ULL;

  // The key is the top half of a multiplicative hash: cheap (this runs for every byte), and
  // every input bit reaches it.
  static uint32_t key_of(uint64_t h) {
    h ^= h >> 29;
    return static_cast<uint32_t>((h * features_detail::kMul) >> 32);
  }
  void emit(uint64_t h, FeatureFamily family) { sink_(key_of(h), family); }

  // The common case, a run of ASCII word bytes in a held char run, in one tight loop whose
  // hash chain stays in a register (the byte path goes through members: about twice the time).
  // Same effect as word_byte() on each byte. Outside CJK runs a word and its held char run
  // start together and take the same bytes, so their hashes are equal here: one chain serves
  // both.
  bool held_span_ready() {
    if (cjk_run_ || char_max_ == 0) return false;
    if (!char_open_) open_char_run();
    return run_held_ && run_len_ < kMaxHeldRun;
  }
  size_t held_word_span(const unsigned char* p, size_t i, size_t n) {
    using features_detail::kBytes;
    assert(word_hash_ == run_hash_);
    uint64_t h = run_hash_;
    uint32_t len = run_len_;
    const size_t end = std::min(n, i + (kMaxHeldRun - len));
    for (; i < end; ++i) {
      const unsigned char f = kBytes.word[p[i]];
      if (f == 0) break;
      h = (h ^ f) * 0x100000001B3ULL;
      run_[len++] = f;
    }
    word_hash_ = h;
    run_hash_ = h;
    run_len_ = len;
    word_open_ = true;
    return i;
  }

  void open_char_run() {
    char_open_ = true;
    window_ = ' ';
    window_len_ = 1;
    run_hash_ = kFnvBasis;
    run_len_ = 0;
    run_held_ = true;
  }

  void word_byte(unsigned char b) {
    if (cjk_run_) {  // a Latin word glued to CJK text starts a new char run
      end_char_run();
    }
    if (!word_open_) word_open_ = true;
    word_hash_ = (word_hash_ ^ b) * 0x100000001B3ULL;
    char_byte(b);
  }

  void char_byte(unsigned char b) {
    if (char_max_ == 0) return;
    if (!char_open_) open_char_run();
    if constexpr (CharRunSink<Sink>) {
      if (run_held_) {
        if (run_len_ < kMaxHeldRun) {  // held back until the sink knows the whole run
          run_[run_len_++] = b;
          run_hash_ = (run_hash_ ^ b) * 0x100000001B3ULL;
          return;
        }
        run_held_ = false;
        sink_.char_run_begin(0, false);
        for (uint32_t i = 0; i < run_len_; ++i) push_char(run_[i]);
      }
    }
    push_char(b);
  }

  // The n-grams of order char_min_..char_max_ that end at the window's newest byte.
  static uint32_t char_grams(uint64_t window, uint32_t window_len, uint32_t min, uint32_t max,
                             uint32_t* keys) {
    const uint32_t top = window_len < max ? window_len : max;
    uint32_t n = 0;
    for (uint32_t k = min; k <= top; ++k) {
      const uint64_t gram = window & ((uint64_t{1} << (8 * k)) - 1);
      keys[n++] = key_of(gram ^ (uint64_t{k} << 58));
    }
    return n;
  }

  void push_char(unsigned char b) {
    window_ = (window_ << 8) | b;
    if (window_len_ < 8) ++window_len_;
    uint32_t keys[8];
    const uint32_t n = char_grams(window_, window_len_, char_min_, char_max_, keys);
    for (uint32_t i = 0; i < n; ++i) sink_(keys[i], FeatureFamily::kChar);
  }

  // The char keys of the held run and its closing pad, handed over in one call.
  void push_held_run_bulk() {
    uint32_t keys[(kMaxHeldRun + 1) * 7];  // char_max_ <= 7 orders per byte
    size_t n = 0;
    uint64_t window = window_;
    uint32_t len = window_len_;
    for (uint32_t i = 0; i <= run_len_; ++i) {
      const unsigned char b = i < run_len_ ? run_[i] : ' ';
      window = (window << 8) | b;
      if (len < 8) ++len;
      n += char_grams(window, len, char_min_, char_max_, keys + n);
    }
    window_ = window;
    window_len_ = len;
    sink_.char_keys(keys, n);
  }

  void end_char_run() {
    cjk_run_ = false;
    if (!char_open_) return;
    char_open_ = false;
    if constexpr (CharRunSink<Sink>) {
      if (run_held_) {
        if (!sink_.char_run_begin(features_detail::mix64(run_hash_ + run_len_), true)) return;
        if constexpr (BulkCharSink<Sink> && !BytewiseSink<Sink>) {
          push_held_run_bulk();
          return;
        }
        for (uint32_t i = 0; i < run_len_; ++i) push_char(run_[i]);
      }
    }
    push_char(' ');
  }

  void end_word() {
    if (!word_open_) return;
    word_open_ = false;
    const uint64_t h = word_hash_;
    word_hash_ = kFnvBasis;
    if (word_max_ == 0) return;
    // history_[0] is the newest word; n-gram k joins the k newest words
    for (uint32_t k = kMaxWordN - 1; k > 0; --k) history_[k] = history_[k - 1];
    history_[0] = h;
    if (history_len_ < kMaxWordN) ++history_len_;
    const uint32_t top = history_len_ < word_max_ ? history_len_ : word_max_;
    // Bit k: history_[k] may be a training word (always, for sinks that do not filter).
    known_ <<= 1;
    if constexpr (WordFilterSink<Sink>) {
      if (!sink_.word_known(h)) {
        sink_.words_unseen(top);
        return;
      }
    }
    known_ |= 1;
    uint64_t g = h;
    emit(g ^ kWordSalt, FeatureFamily::kWord);
    for (uint32_t k = 1; k < top; ++k) {
      if constexpr (WordFilterSink<Sink>) {
        if (((known_ >> k) & 1) == 0) {  // this n-gram and the longer ones hold that word
          sink_.words_unseen(top - k);
          return;
        }
      }
      g = features_detail::mix64(g + kWordSalt) ^ history_[k];
      emit(g * features_detail::kMul + k, FeatureFamily::kWord);
    }
  }

  Sink& sink_;
  uint32_t word_max_;
  uint32_t char_min_;
  uint32_t char_max_;
  uint64_t word_hash_ = kFnvBasis;
  uint64_t history_[kMaxWordN] = {};
  uint32_t history_len_ = 0;
  uint32_t known_ = 0;  // see end_word()
  uint64_t window_ = 0;
  uint32_t window_len_ = 0;
  uint64_t run_hash_ = kFnvBasis;
  uint32_t run_len_ = 0;
  bool run_held_ = true;
  unsigned char run_[kMaxHeldRun];
  bool word_open_ = false;
  bool char_open_ = false;
  bool cjk_run_ = false;
};

template <class Sink>
void walk_features(std::string_view text, const FeatureSpec& spec, Sink&& sink) {
  FeatureWalker<std::remove_reference_t<Sink>> walker(spec, sink);
  walker.run(text);
}

}  // namespace sparouter::classify::reference
