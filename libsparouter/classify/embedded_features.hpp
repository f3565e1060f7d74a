// Text -> hashed feature ids for the embedded classifier. Streaming and allocation-free: the
// extractor walks the bytes once and hands every feature occurrence to a sink, so the same code
// serves training (which collects ids) and prediction (which adds weight rows directly).
//
// Normalisation: ASCII letters are lower-cased, ASCII digits fold to '0' (amounts and dates say
// little about intent), apostrophes inside a word vanish ("don't" == "dont"), everything else
// that is not a letter or digit separates words. Non-ASCII bytes are kept: a well-formed UTF-8
// punctuation or space code point separates words, each CJK ideograph/kana is a word of its own
// (Chinese and Japanese have no spaces; their "words" are then character uni- and bigrams), and
// any other byte, malformed ones included, is part of a word. No byte sequence is an error.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "classify/embedded_walk.hpp"

namespace sparouter::classify {

// Which features a text yields. Part of a trained model: prediction uses the training spec.
struct FeatureSpec {
  uint32_t word_ngram_max = 2;  // word 1..n-grams; 0 = none, at most 4
  uint32_t char_ngram_min = 3;  // byte n-grams inside each space-padded word (like "char_wb")
  uint32_t char_ngram_max = 5;  // 0 = none; at most 7
};

// Char n-grams count per distinct run (word) of a text: a run that comes again adds nothing.
// Runs longer than kMaxHeldRun bytes, and any run after the first kMaxRunsPerText distinct
// ones, count at every occurrence (so prediction needs only bounded memory to follow the rule).
inline constexpr uint32_t kMaxHeldRun = 64;
inline constexpr size_t kMaxRunsPerText = 2048;

enum class FeatureFamily : uint8_t { kWord = 0, kChar = 1 };
inline constexpr size_t kFeatureFamilies = 2;

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

// A sink that may skip char runs (a space-padded word, or a run of CJK characters: the char
// n-grams of a run depend on its bytes alone). Before the char keys of a run of at most
// kMaxHeldRun bytes, the walker calls char_run_begin(h, true) with h a 64-bit hash of the run's
// bytes; false skips the run's char keys. Longer runs stream: char_run_begin(0, false), whose
// result is ignored. Prediction uses it to look each distinct run up once.
template <class Sink>
concept CharRunSink = requires(Sink& s, uint64_t h) {
  { s.char_run_begin(h, true) } -> std::convertible_to<bool>;
};
// A CharRunSink with `static constexpr bool kBytewise = true` makes the walker take its
// byte-at-a-time path everywhere: tests compare it with the block path.
template <class Sink>
concept BytewiseSink = requires { requires Sink::kBytewise; };
// A CharRunSink that takes the char keys of a held run in one call, char_keys(keys, n), instead
// of one call per key: the walker then computes them in a loop of its own, with nothing but
// registers and a stack array between the keys (a call per key goes through the sink's memory).
template <class Sink>
concept BulkCharSink = CharRunSink<Sink> && requires(Sink& s, const uint32_t* keys, size_t n) {
  s.char_keys(keys, n);
};

// A sink that is asked about each word before its word keys: word_known(h), with h the
// word's 64-bit hash. False means the word never occurred in training, so neither its unigram
// nor any n-gram that contains it can be a model feature: the walker then skips those keys and
// reports how many with words_unseen(n) (they still count as unseen features). Training's sink
// records every h and answers true; prediction's answers from a filter of training's words,
// which spares it most bigram hashes and lookups on prompts full of words the model never saw.
template <class Sink>
concept WordFilterSink = requires(Sink& s, uint64_t h, uint32_t n) {
  { s.word_known(h) } -> std::convertible_to<bool>;
  s.words_unseen(n);
};

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
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    if constexpr (CharRunSink<Sink> && !BytewiseSink<Sink>) {
      run_blocks(p, n);
    } else {
      for (size_t i = 0; i < n;) i = step(p, i, n);
    }
    end_word();
    end_char_run();
  }

 private:
  static constexpr uint32_t kMaxWordN = 4;
  static constexpr uint64_t kWordSalt = 0x77u;
  static constexpr uint64_t kFnvBasis = 0xCBF29CE484222325ULL;

  // One step of the byte path: the byte (or UTF-8 sequence) at p[i]. Returns where the next
  // one starts.
  size_t step(const unsigned char* p, size_t i, size_t n) {
    using namespace features_detail;
    const unsigned char b = p[i];
    const uint8_t cls = kBytes.cls[b];
    if (cls == kWordByte) {
      word_byte(kBytes.fold[b]);
      return i + 1;
    }
    if (cls == kSep) {
      end_word();
      end_char_run();
      return i + 1;
    }
    if (cls == kApostrophe) {  // inside a word it is dropped, elsewhere it separates
      if (!word_open_ || i + 1 >= n || kBytes.cls[p[i + 1]] != kWordByte) {
        end_word();
        end_char_run();
      }
      return i + 1;
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
    return i + len;
  }

  // The walk for sinks that hold runs, by blocks of 64 bytes (see embedded_walk.hpp). A block's
  // events are the first byte of each run of ASCII word bytes, the first of each run of
  // separators, and every other byte (apostrophes, bytes >= 0x80). The walk goes from event to
  // event by clearing the lowest bit, so finding the next one does not wait on the work for
  // the current one (a position carried through the runs' lengths made a chain that was slower
  // than the byte loop). A word run between separators, with no word or char run open, is one
  // simple_word(); another word run is held_span() while the char run holds it; a run of
  // separators is one end of word and char run (the others would do nothing); every other byte
  // takes the byte path's step(), or cjk_span() for CJK text. The effect is the byte path's,
  // byte for byte. The last block is copied into a buffer padded with separators: nothing past
  // the text's end is read.
  void run_blocks(const unsigned char* p, size_t n) {
    using namespace features_detail;
    alignas(16) unsigned char fold[kBlock];  // the block's normalised bytes
    alignas(16) unsigned char tail[kBlock];
    size_t i = 0;
    while (i < n) {
      const size_t base = i & ~(kBlock - 1);
      const unsigned char* block = p + base;
      uint64_t valid = ~uint64_t{0};
      if (n - base < kBlock) {
        std::memset(tail, 0, kBlock);
        std::memcpy(tail, block, n - base);
        block = tail;
        valid = (uint64_t{1} << (n - base)) - 1;
      }
      const BlockMasks m = classify_block(block, fold);
      const uint64_t other = ~(m.word | m.sep);
      // Bit k: byte k starts a word run or a separator run, or is another byte. A run that
      // goes on from the previous block starts again at bit 0, which is harmless: a word run
      // continues the open word, a separator after a separator does nothing.
      uint64_t events = ((m.word & ~(m.word << 1)) | (m.sep & ~(m.sep << 1)) | other) & valid;
      events &= ~uint64_t{0} << (i - base);  // a UTF-8 sequence may have ended past the block
      i = base + kBlock;
      while (events != 0) {
        const size_t o = static_cast<size_t>(std::countr_zero(events));
        const uint64_t bit = events & (~events + 1);
        events ^= bit;
        if (m.sep & bit) {
          end_word();
          end_char_run();
        } else if (m.word & bit) {
          const size_t len = static_cast<size_t>(std::countr_one(m.word >> o));
          const size_t end = o + len;
          if (end < kBlock && ((m.sep >> end) & 1) && !word_open_ && !char_open_ &&
              char_max_ != 0) {
            simple_word(fold + o, len);
            events &= ~(bit << len);  // the separators after it would do nothing
            continue;
          }
          size_t k = o;
          do {
            k = held_span_ready() ? k + held_span(fold + k, end - k) : step(p, base + k, n) - base;
          } while (k < end);
        } else {
          size_t next = base + o;
          const unsigned char b = block[o];
          if (b >= 0xE0 && b <= 0xEF) {
            next = cjk_span(p, next, n);
          } else if (b >= 0xC2 && b <= 0xDF && latin_letter(p, next, n)) {
            next += held_span(p + next, 2);
          }
          if (next == base + o) next = step(p, next, n);
          if (next >= base + kBlock) {  // the rest of the block was taken
            i = next;
            break;
          }
          events &= ~uint64_t{0} << (next - base);  // the sequence's continuation bytes
        }
      }
    }
  }

  // The key is the top half of a multiplicative hash: cheap (this runs for every byte), and
  // every input bit reaches it.
  static uint32_t key_of(uint64_t h) {
    h ^= h >> 29;
    return static_cast<uint32_t>((h * features_detail::kMul) >> 32);
  }
  void emit(uint64_t h, FeatureFamily family) { sink_(key_of(h), family); }

  // Whether p[i] starts a two-byte code point that is part of a word (the letters of most
  // European languages but English) and the held char run can take both bytes: then
  // held_span() on its two bytes is what step() would do.
  bool latin_letter(const unsigned char* p, size_t i, size_t n) {
    if (n - i < 2 || (p[i + 1] & 0xC0u) != 0x80u) return false;
    const uint32_t cp = ((p[i] & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu);  // 0x80-0x7FF
    if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7) return false;        // separators
    return held_span_ready() && run_len_ + 2 <= kMaxHeldRun;
  }

  // Chinese and Japanese text: a run of CJK code points of three bytes each (the common ones:
  // U+2E80-U+9FFF but CJK punctuation, and U+F900-U+FAFF), from p[i]. The byte path's step() on
  // each, without its general decoding and with the three bytes taken into a held char run at
  // once. Returns where the run ends (i itself if p[i] does not start one).
  size_t cjk_span(const unsigned char* p, size_t i, size_t n) {
    constexpr uint64_t kPrime = 0x100000001B3ULL;
    while (n - i >= 3) {
      const unsigned char b0 = p[i];
      const unsigned char b1 = p[i + 1];
      const unsigned char b2 = p[i + 2];
      if ((b0 & 0xF0u) != 0xE0u || (b1 & 0xC0u) != 0x80u || (b2 & 0xC0u) != 0x80u) break;
      const uint32_t cp = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
      const bool cjk = (cp - 0x2E80u <= 0x9FFFu - 0x2E80u && cp - 0x3000u > 0x3Fu) ||
                       cp - 0xF900u <= 0xFAFFu - 0xF900u;
      if (!cjk) break;  // none of these is overlong or a surrogate: step() would decode the same
      if (word_open_ && !cjk_run_) {
        end_word();
        end_char_run();
      }
      cjk_run_ = true;
      if (char_max_ != 0) {
        if (!char_open_) open_char_run();
        if (run_held_ && run_len_ + 3 <= kMaxHeldRun) {
          run_[run_len_] = b0;
          run_[run_len_ + 1] = b1;
          run_[run_len_ + 2] = b2;
          run_len_ += 3;
          run_hash_ = (((((run_hash_ ^ b0) * kPrime) ^ b1) * kPrime) ^ b2) * kPrime;
        } else {
          char_byte(b0);
          char_byte(b1);
          char_byte(b2);
        }
      }
      word_hash_ = (((((word_hash_ ^ b0) * kPrime) ^ b1) * kPrime) ^ b2) * kPrime;
      word_open_ = true;
      end_word();
      i += 3;
    }
    return i;
  }

  // Word bytes in a held char run in one call whose hash chain stays in registers (the byte
  // path goes through members: about twice the time). Same effect as word_byte() on each byte.
  // Outside CJK runs a word and its held char run start together and take the same bytes, so
  // their hashes are equal here: one chain serves both.
  bool held_span_ready() {
    if (cjk_run_ || char_max_ == 0) return false;
    if (!char_open_) open_char_run();
    return run_held_ && run_len_ < kMaxHeldRun;
  }
  // Takes up to len word bytes (already normalised) into the held run; returns how many it
  // took.
  size_t held_span(const unsigned char* src, size_t len) {
    assert(word_hash_ == run_hash_);
    const size_t take = std::min<size_t>(len, kMaxHeldRun - run_len_);
    const uint64_t h = features_detail::fnv_span_copy(run_hash_, src, take, run_ + run_len_);
    word_hash_ = h;
    run_hash_ = h;
    run_len_ += static_cast<uint32_t>(take);
    word_open_ = true;
    return take;
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

  // A whole word of normalised ASCII word bytes src[0, len), len <= kMaxHeldRun, between
  // separators (or the text's ends), with no word or char run open: what held_span() and then
  // end_word() and end_char_run() would do, without going through the members. Its bytes are
  // copied into run_ only if the sink wants the run's char keys.
  void simple_word(const unsigned char* src, size_t len) {
    const uint64_t h = features_detail::fnv_span(kFnvBasis, src, len);
    word_done(h);
    if (!sink_.char_run_begin(features_detail::mix64(h + len), true)) return;
    std::memcpy(run_, src, len);
    run_len_ = static_cast<uint32_t>(len);
    window_ = ' ';
    window_len_ = 1;
    if constexpr (BulkCharSink<Sink>) {
      push_held_run_bulk();
    } else {
      for (uint32_t i = 0; i < run_len_; ++i) push_char(run_[i]);
      push_char(' ');
    }
  }

  void end_word() {
    if (!word_open_) return;
    word_open_ = false;
    const uint64_t h = word_hash_;
    word_hash_ = kFnvBasis;
    word_done(h);
  }

  // The keys of a word that ended, of hash h.
  void word_done(uint64_t h) {
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

}  // namespace sparouter::classify
