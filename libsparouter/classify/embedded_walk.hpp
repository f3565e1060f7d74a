// The feature walker's block stage: 64 bytes of text at once become bit masks (bit k for byte
// k) of the ASCII word bytes (letters and digits) and of the ASCII separators, plus the word
// bytes in normalised form. The walker then finds word and separator runs with a count of
// trailing zeros instead of a test per byte (the exit of a per-byte loop was its most
// mispredicted branch). SSE2 is part of x86-64, so no -march flag is needed; other targets take
// a portable loop over the same tables as the byte path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sparouter::classify::features_detail {

inline constexpr size_t kBlock = 64;

struct BlockMasks {
  uint64_t word;  // 'a'-'z', 'A'-'Z', '0'-'9'
  uint64_t sep;   // every other byte below 0x80 but the apostrophe
};

// Classifies p[0, 64) and writes fold[k] = the normalised byte for each word byte k (lower case,
// digits as '0'; other bytes get an unspecified value). Reads exactly 64 bytes of p.
inline BlockMasks classify_block(const unsigned char* p, unsigned char* fold) {
#if defined(__SSE2__)
  uint64_t word = 0;
  uint64_t other = 0;  // word bytes, apostrophes and bytes >= 0x80
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i before_a = _mm_set1_epi8('a' - 1);
  const __m128i after_z = _mm_set1_epi8('z' + 1);
  const __m128i before_0 = _mm_set1_epi8('0' - 1);
  const __m128i after_9 = _mm_set1_epi8('9' + 1);
  const __m128i zero_char = _mm_set1_epi8('0');
  const __m128i apostrophe = _mm_set1_epi8('\'');
  for (size_t k = 0; k < kBlock; k += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k));
    // b | 0x20 is a lower-case letter exactly when b is a letter; bytes >= 0x80 are negative
    // as signed chars and fail both ranges.
    const __m128i lower = _mm_or_si128(b, case_bit);
    const __m128i letter =
        _mm_and_si128(_mm_cmpgt_epi8(lower, before_a), _mm_cmplt_epi8(lower, after_z));
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(b, before_0), _mm_cmplt_epi8(b, after_9));
    const __m128i is_word = _mm_or_si128(letter, digit);
    const __m128i folded =
        _mm_or_si128(_mm_and_si128(letter, lower), _mm_and_si128(digit, zero_char));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(fold + k), folded);
    const uint64_t w = static_cast<uint32_t>(_mm_movemask_epi8(is_word));
    const uint64_t o = static_cast<uint32_t>(
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(is_word, _mm_cmpeq_epi8(b, apostrophe)), b)));
    word |= w << k;
    other |= o << k;
  }
  return BlockMasks{word, ~other};
#else
  uint64_t word = 0;
  uint64_t sep = 0;
  for (size_t k = 0; k < kBlock; ++k) {
    const unsigned char b = p[k];
    const bool is_letter = (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
    const bool is_digit = b >= '0' && b <= '9';
    fold[k] = is_digit ? '0' : static_cast<unsigned char>(b | 0x20);
    word |= static_cast<uint64_t>(is_letter || is_digit) << k;
    sep |= static_cast<uint64_t>(!is_letter && !is_digit && b != '\'' && b < 0x80) << k;
  }
  return BlockMasks{word, sep};
#endif
}

// 64-bit FNV-1a of s[0, len) continued from h: the walker's word and run hash. (Hashing a
// fixed group of 7 bytes and picking the state after len of them, which spares the loop's exit
// branch, was slower on the load test's prompt and no faster on varied text.)
inline uint64_t fnv_span(uint64_t h, const unsigned char* s, size_t len) {
  constexpr uint64_t kPrime = 0x100000001B3ULL;
  for (size_t k = 0; k < len; ++k) h = (h ^ s[k]) * kPrime;
  return h;
}

// fnv_span() that also copies the bytes to dst.
inline uint64_t fnv_span_copy(uint64_t h, const unsigned char* s, size_t len, unsigned char* dst) {
  constexpr uint64_t kPrime = 0x100000001B3ULL;
  for (size_t k = 0; k < len; ++k) {
    dst[k] = s[k];
    h = (h ^ s[k]) * kPrime;
  }
  return h;
}

}  // namespace sparouter::classify::features_detail
