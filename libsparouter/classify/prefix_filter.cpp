#include "classify/prefix_filter.hpp"

#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#define SR_PREFIX_FILTER_AVX2 1
#include <immintrin.h>
#endif

namespace sparouter::classify {

bool PrefixFilter::available() {
#ifdef SR_PREFIX_FILTER_AVX2
  static const bool avx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return avx2;
#else
  return false;
#endif
}

void PrefixFilter::add(std::string_view prefix, unsigned bucket) {
  const auto bit = static_cast<uint8_t>(1u << bucket);
  for (size_t k = 0; k < kWidth; ++k) {
    const auto b = static_cast<uint8_t>(static_cast<uint8_t>(prefix[k]) | 0x20u);
    low_[k][b & 0x0F] |= bit;
    low_[k][16 + (b & 0x0F)] |= bit;  // pshufb looks up within each 128-bit lane
    high_[k][b >> 4] |= bit;
    high_[k][16 + (b >> 4)] |= bit;
  }
}

#ifdef SR_PREFIX_FILTER_AVX2
namespace {

__attribute__((target("avx2"))) size_t scan_avx2(const uint8_t (*low)[32],
                                                 const uint8_t (*high)[32],
                                                 const unsigned char* p, size_t n, size_t from,
                                                 size_t to, uint32_t* starts, uint8_t* buckets) {
  constexpr size_t kWidth = PrefixFilter::kWidth;
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  const __m256i bit5 = _mm256_set1_epi8(0x20);
  __m256i lo[kWidth];
  __m256i hi[kWidth];
  for (size_t k = 0; k < kWidth; ++k) {
    lo[k] = _mm256_load_si256(reinterpret_cast<const __m256i*>(low[k]));
    hi[k] = _mm256_load_si256(reinterpret_cast<const __m256i*>(high[k]));
  }
  size_t count = 0;
  for (size_t i = from; i < to; i += 32) {
    const unsigned char* at = p + i;
    unsigned char padded[32 + kWidth - 1];
    if (n - i < 32 + kWidth - 1) {  // the text's end: zeros after it (candidates are confirmed)
      std::memset(padded, 0, sizeof padded);
      std::memcpy(padded, at, n - i);
      at = padded;
    }
    __m256i hit = _mm256_set1_epi8(-1);
    for (size_t k = 0; k < kWidth; ++k) {
      const __m256i v =
          _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(at + k)), bit5);
      const __m256i l = _mm256_shuffle_epi8(lo[k], _mm256_and_si256(v, nibble));
      const __m256i h =
          _mm256_shuffle_epi8(hi[k], _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble));
      hit = _mm256_and_si256(hit, _mm256_and_si256(l, h));
    }
    auto mask = ~static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(hit, _mm256_setzero_si256())));
    if (to - i < 32) mask &= (uint32_t{1} << (to - i)) - 1;
    if (mask == 0) continue;
    alignas(32) uint8_t bits[32];
    _mm256_store_si256(reinterpret_cast<__m256i*>(bits), hit);
    for (; mask != 0; mask &= mask - 1) {
      const auto j = static_cast<uint32_t>(__builtin_ctz(mask));
      starts[count] = static_cast<uint32_t>(i + j);
      buckets[count] = bits[j];
      ++count;
    }
  }
  return count;
}

}  // namespace
#endif

size_t PrefixFilter::candidates(const unsigned char* p, size_t n, size_t from, size_t to,
                                uint32_t* starts, uint8_t* buckets) const {
#ifdef SR_PREFIX_FILTER_AVX2
  return scan_avx2(low_, high_, p, n, from, to, starts, buckets);
#else
  (void)p, (void)n, (void)from, (void)to, (void)starts, (void)buckets;
  return 0;
#endif
}

}  // namespace sparouter::classify
