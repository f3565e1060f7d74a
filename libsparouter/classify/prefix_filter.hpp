// Where some of a set of literals may start in a text, 32 positions per step: the "Teddy"
// idea (from Hyperscan). Each prefix goes to one of 8 buckets; for each of the first 4 bytes of a
// prefix, two 16-entry tables (low and high nibble) hold the bit of every bucket that has a
// prefix with that nibble there. A text position whose 4 bytes pass all 8 lookups for some
// bucket is a candidate for that bucket's prefixes. Lookups are byte shuffles (AVX2), so the
// scan has no branch but one per candidate, where Wu-Manber's jumps mispredicted about as
// often as not. Bytes are compared with bit 5 set, so ASCII letters match in either case; the
// caller confirms each candidate exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sparouter::classify {

class PrefixFilter {
 public:
  static constexpr size_t kBuckets = 8;
  static constexpr size_t kWidth = 4;  // prefix bytes that are checked

  // Whether the CPU has AVX2 (checked once): candidates() must not be called without it.
  static bool available();

  // `prefix`: at least kWidth bytes (only those count). bucket < kBuckets.
  void add(std::string_view prefix, unsigned bucket);

  // The candidate starts s in [from, to) of text p[0, n), ascending, with the buckets that may
  // start there (bit b for bucket b). to - from <= kMaxSpan. Returns how many were written.
  static constexpr size_t kMaxSpan = 256;
  size_t candidates(const unsigned char* p, size_t n, size_t from, size_t to, uint32_t* starts,
                    uint8_t* buckets) const;

 private:
  alignas(32) uint8_t low_[kWidth][32] = {};   // [byte k][low nibble] -> buckets; both lanes
  alignas(32) uint8_t high_[kWidth][32] = {};  // [byte k][high nibble] -> buckets
};

}  // namespace sparouter::classify
