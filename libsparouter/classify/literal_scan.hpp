// Many literals found in one pass over a text, ASCII case-insensitively: the rules' prefilter in
// front of RE2. Literals of 4 bytes or more, grouped by their first m bytes (m = the shortest of
// them), are found in one of two ways:
//   - with AVX2 and at most kMaxFilteredPrefixes distinct 4-byte prefixes, a PrefixFilter
//     (prefix_filter.hpp) names the positions where some group may start, 32 per step, and
//     only those get an exact comparison;
//   - otherwise Wu-Manber: a window of m bytes slides over the text; a table keyed by the
//     window's last two bytes says how far it may jump without passing an occurrence, so
//     ordinary text is crossed up to m-1 bytes per step, and only windows ending like some
//     literal's m-byte prefix get an exact comparison. Each step is a chain of dependent loads,
//     so four cursors walk four quarters of the text at once.
// 3-byte literals would cap those jumps at 2: they get their own scanner (TripleScanner), which
// runs only when there are some. No allocation while scanning.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "classify/prefix_filter.hpp"

namespace sparouter::classify {

// ASCII A-Z to a-z; every other byte unchanged. Both sides of a comparison are folded with it.
struct AsciiFold {
  uint8_t map[256];
  constexpr AsciiFold() : map() {
    for (int b = 0; b < 256; ++b) {
      map[b] = static_cast<uint8_t>(b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
    }
  }
};
inline constexpr AsciiFold kAsciiFold{};

// One literal of TripleScanner.
struct TripleLiteral {
  alignas(32) uint8_t want[3][32];  // each byte | 0x20, broadcast
  uint8_t bytes[3];                 // folded, for the exact comparison
  uint32_t index;
};

// Every occurrence of a few 3-byte literals: each text position is compared with each literal,
// 32 or 16 positions at a time (AVX2, SSE2) with bit 5 set on both sides, so letters match either
// case; the rare candidates that match only thanks to bit 5 (non-letters) are compared exactly.
class TripleScanner {
 public:
  // `folded`: exactly 3 bytes, already folded with kAsciiFold.
  void add(std::string_view folded, uint32_t index);
  bool empty() const noexcept { return triples_.empty(); }
  size_t size() const noexcept { return triples_.size(); }

  // Calls hit(index, start) for every occurrence, in no particular order.
  template <class Hit>
  void scan(std::string_view text, Hit&& hit) const {
    if (triples_.empty() || text.size() < 3) return;
    using H = std::remove_reference_t<Hit>;
    auto call = [](void* h, uint32_t index, size_t start) { (*static_cast<H*>(h))(index, start); };
    scan(text, call, const_cast<void*>(static_cast<const void*>(&hit)));
  }

 private:
  using HitFn = void (*)(void*, uint32_t, size_t);
  void scan(std::string_view text, HitFn hit, void* context) const;

  std::vector<TripleLiteral> triples_;
};

class LiteralScanner {
 public:
  // Shorter literals make any prefilter too slow to beat RE2: such sets are refused (usable()).
  static constexpr size_t kMinLength = 3;
  // Each 3-byte literal costs a compare of every text position: more are refused too.
  static constexpr size_t kMaxTriples = 8;

  // Literals are byte strings, folded here. Index i is literals[i].
  explicit LiteralScanner(const std::vector<std::string>& literals);

  // False when some literal is shorter than kMinLength, more than kMaxTriples are that short, or
  // there are none: scan finds nothing.
  bool usable() const noexcept { return usable_; }

  // Calls hit(literal index, start) for every occurrence of every literal, overlapping ones
  // too, in no particular order.
  template <class Hit>
  void scan(std::string_view text, Hit&& hit) const {
    if (!usable_) return;
    if (m_ != 0) scan_long(text, hit);
    triples_.scan(text, hit);
  }

  size_t size() const noexcept { return literals_.size(); }
  // Whether the long literals are found through a PrefixFilter (else Wu-Manber).
  bool uses_prefix_filter() const noexcept { return use_prefix_filter_; }

 private:
  static constexpr unsigned kHashBits = 13;
  static constexpr size_t kMinWindow = 4;  // Wu-Manber's; shorter literals go to triples_
  // The literals that share one m-byte prefix: the prefix is compared once, then each rest.
  struct Group {
    uint32_t hash;  // of the prefix's last two bytes
    std::string prefix;
    std::vector<uint32_t> literals;
  };

  // Hash of two adjacent bytes with bit 5 set in both: ASCII letters fold to lower case, and
  // the few other bytes that meet only make jumps shorter, never wrong.
  static uint32_t block_hash(uint32_t a, uint32_t b) noexcept {
    return (((a | 0x20u) << 5) ^ (b | 0x20u)) & ((1u << kHashBits) - 1);
  }
  static bool equal_at(const unsigned char* text, const std::string& folded, size_t from) noexcept {
    for (size_t i = from; i < folded.size(); ++i) {
      if (kAsciiFold.map[text[i]] != static_cast<unsigned char>(folded[i])) return false;
    }
    return true;
  }

  // More distinct 4-byte prefixes than this: Wu-Manber, whose jumps then still pay.
  static constexpr size_t kMaxFilteredPrefixes = 48;

  void plan_prefix_filter();
  template <class Hit>
  void scan_long(std::string_view text, Hit&& hit) const;
  template <class Hit>
  void scan_filtered(std::string_view text, Hit&& hit) const;
  template <class Hit>
  void confirm_group(const Group& g, const unsigned char* p, size_t n, size_t start,
                     Hit&& hit) const {
    if (!equal_at(p + start, g.prefix, 0)) return;
    for (uint32_t literal : g.literals) {
      const std::string& l = literals_[literal];
      if (n - start >= l.size() && equal_at(p + start, l, m_)) hit(literal, start);
    }
  }

  std::vector<std::string> literals_;  // folded
  bool usable_ = false;
  size_t m_ = 0;  // window: the shortest long literal's length; 0 when there is none
  std::array<uint8_t, size_t{1} << kHashBits> shift_{};
  std::vector<Group> groups_;  // sorted by hash
  TripleScanner triples_;      // the 3-byte literals
  // With AVX2 and not too many prefixes, the long literals are found through a PrefixFilter
  // instead of Wu-Manber: bucket_groups_[b] are the groups_ (indices) of bucket b.
  bool use_prefix_filter_ = false;
  PrefixFilter prefixes_;
  std::array<std::vector<uint32_t>, PrefixFilter::kBuckets> bucket_groups_;
};

template <class Hit>
void LiteralScanner::scan_filtered(std::string_view text, Hit&& hit) const {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  const size_t last = n - m_ + 1;  // starts [0, last) leave room for the shortest literal
  uint32_t starts[PrefixFilter::kMaxSpan];
  uint8_t buckets[PrefixFilter::kMaxSpan];
  for (size_t from = 0; from < last; from += PrefixFilter::kMaxSpan) {
    const size_t to = std::min(last, from + PrefixFilter::kMaxSpan);
    const size_t found = prefixes_.candidates(p, n, from, to, starts, buckets);
    for (size_t c = 0; c < found; ++c) {
      for (uint32_t b = buckets[c]; b != 0; b &= b - 1) {
        for (uint32_t g : bucket_groups_[static_cast<size_t>(__builtin_ctz(b))]) {
          confirm_group(groups_[g], p, n, starts[c], hit);
        }
      }
    }
  }
}

template <class Hit>
void LiteralScanner::scan_long(std::string_view text, Hit&& hit) const {
  if (text.size() < m_) return;
  if (use_prefix_filter_) {
    scan_filtered(text, hit);
    return;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  // Cursor c owns the window ends in [end[c], stop[c]): every occurrence is reported once.
  constexpr size_t kCursors = 4;
  const size_t first = m_ - 1;
  const size_t part = (n - first + kCursors - 1) / kCursors;
  size_t end[kCursors];
  size_t stop[kCursors];
  for (size_t c = 0; c < kCursors; ++c) {
    end[c] = std::min(n, first + c * part);
    stop[c] = std::min(n, first + (c + 1) * part);
  }
  for (;;) {
    bool active = false;
    for (size_t c = 0; c < kCursors; ++c) {
      if (end[c] >= stop[c]) continue;
      active = true;
      const size_t e = end[c];
      const uint32_t h = block_hash(p[e - 1], p[e]);
      const size_t jump = shift_[h];
      if (jump != 0) {
        end[c] = e + jump;
        continue;
      }
      end[c] = e + 1;
      const size_t start = e + 1 - m_;
      auto it = std::lower_bound(groups_.begin(), groups_.end(), h,
                                 [](const Group& g, uint32_t key) { return g.hash < key; });
      for (; it != groups_.end() && it->hash == h; ++it) confirm_group(*it, p, n, start, hit);
    }
    if (!active) return;
  }
}

}  // namespace sparouter::classify
