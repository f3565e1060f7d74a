#include "classify/embedded_simd.hpp"

#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#define SR_EMBEDDED_X86 1
#include <immintrin.h>
#endif

namespace sparouter::classify::simd {
namespace {

// Portable forms: plain loops that the compiler vectorises for the baseline ISA.
void axpy_portable(float a, const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void scale_axpy_portable(float a, const float* x, float b, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = b * y[i] + a * x[i];
}

float dot_portable(const float* x, const float* y, size_t n) {
  float s[4] = {0, 0, 0, 0};  // four partial sums let the loop vectorise without -ffast-math
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (size_t k = 0; k < 4; ++k) s[k] += x[i + k] * y[i + k];
  }
  for (; i < n; ++i) s[0] += x[i] * y[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

void add_rows_i8_portable(const int8_t* const* rows, const float* a1, const float* a2, size_t count,
                          size_t n1, size_t n2, float* y) {
  for (size_t r = 0; r < count; ++r) {
    const int8_t* x = rows[r];
    for (size_t i = 0; i < n1; ++i) y[i] += a1[r] * static_cast<float>(x[i]);
    for (size_t i = n1; i < n1 + n2; ++i) y[i] += a2[r] * static_cast<float>(x[i]);
  }
}

constexpr Kernels kPortable{axpy_portable, scale_axpy_portable, dot_portable, add_rows_i8_portable,
                            "portable"};

#ifdef SR_EMBEDDED_X86

__attribute__((target("avx2,fma"))) void axpy_avx2(float a, const float* x, float* y, size_t n) {
  const __m256 va = _mm256_set1_ps(a);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  }
  for (; i < n; ++i) y[i] += a * x[i];
}

__attribute__((target("avx2,fma"))) void scale_axpy_avx2(float a, const float* x, float b, float* y,
                                                         size_t n) {
  const __m256 va = _mm256_set1_ps(a);
  const __m256 vb = _mm256_set1_ps(b);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 t = _mm256_mul_ps(vb, _mm256_loadu_ps(y + i));
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), t));
  }
  for (; i < n; ++i) y[i] = b * y[i] + a * x[i];
}

__attribute__((target("avx2,fma"))) float dot_avx2(const float* x, const float* y, size_t n) {
  __m256 s0 = _mm256_setzero_ps();
  __m256 s1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8), s1);
  }
  for (; i + 8 <= n; i += 8)
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), s0);
  s0 = _mm256_add_ps(s0, s1);
  const __m128 h = _mm_add_ps(_mm256_castps256_ps128(s0), _mm256_extractf128_ps(s0, 1));
  const __m128 q = _mm_add_ps(h, _mm_movehl_ps(h, h));
  float s = _mm_cvtss_f32(_mm_add_ss(q, _mm_shuffle_ps(q, q, 1)));
  for (; i < n; ++i) s += x[i] * y[i];
  return s;
}

// y[0, 8R) += a[r] * x_r[0, 8R) over all rows, y in R registers; x_r = rows[r] + off.
template <size_t R>
__attribute__((target("avx2,fma"))) void add_block_avx2(const int8_t* const* rows, const float* a,
                                                        size_t count, size_t off, float* y) {
  __m256 acc[R];
  for (size_t j = 0; j < R; ++j) acc[j] = _mm256_loadu_ps(y + 8 * j);
  for (size_t r = 0; r < count; ++r) {
    const __m256 va = _mm256_set1_ps(a[r]);
    const int8_t* x = rows[r] + off;
    for (size_t j = 0; j < R; ++j) {
      const __m128i q = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(x + 8 * j));
      acc[j] = _mm256_fmadd_ps(va, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)), acc[j]);
    }
  }
  for (size_t j = 0; j < R; ++j) _mm256_storeu_ps(y + 8 * j, acc[j]);
}

__attribute__((target("avx2,fma"))) void add_part_avx2(const int8_t* const* rows, const float* a,
                                                       size_t count, size_t off, size_t n,
                                                       float* y) {
  for (size_t i = 0; i < n; i += 64) {
    switch ((n - i) >= 64 ? 8 : (n - i) / 8) {  // 2, 4 or 6 at the end: n % 16 == 0
      case 8:
        add_block_avx2<8>(rows, a, count, off + i, y + off + i);
        break;
      case 6:
        add_block_avx2<6>(rows, a, count, off + i, y + off + i);
        break;
      case 4:
        add_block_avx2<4>(rows, a, count, off + i, y + off + i);
        break;
      default:
        add_block_avx2<2>(rows, a, count, off + i, y + off + i);
        break;
    }
  }
}

__attribute__((target("avx2,fma"))) void add_rows_i8_avx2(const int8_t* const* rows,
                                                          const float* a1, const float* a2,
                                                          size_t count, size_t n1, size_t n2,
                                                          float* y) {
  add_part_avx2(rows, a1, count, 0, n1, y);
  add_part_avx2(rows, a2, count, n1, n2, y);
}

constexpr Kernels kAvx2{axpy_avx2, scale_axpy_avx2, dot_avx2, add_rows_i8_avx2, "avx2"};

// AVX-512: twice the lanes for the two kernels that dominate (prediction rows, training rows).
__attribute__((target("avx512f"))) void axpy_avx512(float a, const float* x, float* y, size_t n) {
  const __m512 va = _mm512_set1_ps(a);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm512_storeu_ps(y + i, _mm512_fmadd_ps(va, _mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i)));
  }
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    const __m512 r =
        _mm512_fmadd_ps(va, _mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, y + i));
    _mm512_mask_storeu_ps(y + i, m, r);
  }
}

template <size_t R>
__attribute__((target("avx512f"))) void add_block_avx512(const int8_t* const* rows, const float* a,
                                                         size_t count, size_t off, float* y) {
  __m512 acc[R];
  for (size_t j = 0; j < R; ++j) acc[j] = _mm512_loadu_ps(y + 16 * j);
  for (size_t r = 0; r < count; ++r) {
    const __m512 va = _mm512_set1_ps(a[r]);
    const int8_t* x = rows[r] + off;
    for (size_t j = 0; j < R; ++j) {
      const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + 16 * j));
      // The maskz forms: GCC 12 warns about the unmasked ones' undefined pass-through operand.
      const __m512 v = _mm512_maskz_cvtepi32_ps(0xFFFF, _mm512_maskz_cvtepi8_epi32(0xFFFF, q));
      acc[j] = _mm512_fmadd_ps(va, v, acc[j]);
    }
  }
  for (size_t j = 0; j < R; ++j) _mm512_storeu_ps(y + 16 * j, acc[j]);
}

__attribute__((target("avx512f"))) void add_part_avx512(const int8_t* const* rows, const float* a,
                                                        size_t count, size_t off, size_t n,
                                                        float* y) {
  for (size_t i = 0; i < n; i += 128) {
    const int8_t* const* r = rows;
    float* out = y + off + i;
    switch ((n - i) >= 128 ? 8 : (n - i) / 16) {
      case 8:
        add_block_avx512<8>(r, a, count, off + i, out);
        break;
      case 7:
        add_block_avx512<7>(r, a, count, off + i, out);
        break;
      case 6:
        add_block_avx512<6>(r, a, count, off + i, out);
        break;
      case 5:
        add_block_avx512<5>(r, a, count, off + i, out);
        break;
      case 4:
        add_block_avx512<4>(r, a, count, off + i, out);
        break;
      case 3:
        add_block_avx512<3>(r, a, count, off + i, out);
        break;
      case 2:
        add_block_avx512<2>(r, a, count, off + i, out);
        break;
      default:
        add_block_avx512<1>(r, a, count, off + i, out);
        break;
    }
  }
}

__attribute__((target("avx512f"))) void add_rows_i8_avx512(const int8_t* const* rows,
                                                           const float* a1, const float* a2,
                                                           size_t count, size_t n1, size_t n2,
                                                           float* y) {
  add_part_avx512(rows, a1, count, 0, n1, y);
  add_part_avx512(rows, a2, count, n1, n2, y);
}

constexpr Kernels kAvx512{axpy_avx512, scale_axpy_avx2, dot_avx2, add_rows_i8_avx512, "avx512"};

bool has_avx2() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

const Kernels& pick() noexcept {
  const bool avx2 = has_avx2();
  if (avx2 && __builtin_cpu_supports("avx512f")) return kAvx512;
  if (avx2) return kAvx2;
  return kPortable;
}

std::vector<const Kernels*> runnable() {
  std::vector<const Kernels*> all{&kPortable};
  if (has_avx2()) {
    all.push_back(&kAvx2);
    if (__builtin_cpu_supports("avx512f")) all.push_back(&kAvx512);
  }
  return all;
}

#else

const Kernels& pick() noexcept { return kPortable; }

std::vector<const Kernels*> runnable() { return {&kPortable}; }

#endif

}  // namespace

const Kernels& kernels() noexcept {
  static const Kernels& chosen = pick();
  return chosen;
}

const Kernels& portable_kernels() noexcept { return kPortable; }

std::vector<const Kernels*> runnable_kernels() { return runnable(); }

}  // namespace sparouter::classify::simd
