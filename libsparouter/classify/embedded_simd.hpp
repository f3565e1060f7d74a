// Vector kernels of the embedded classifier (training and prediction). The library is built for
// the baseline ISA, so each kernel exists in a portable form and, on x86-64, in AVX2+FMA and
// AVX-512 forms picked once at run time. Results are deterministic on a given machine.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sparouter::classify::simd {

struct Kernels {
  void (*axpy)(float a, const float* x, float* y, size_t n);                 // y += a*x
  void (*scale_axpy)(float a, const float* x, float b, float* y, size_t n);  // y = b*y + a*x
  float (*dot)(const float* x, const float* y, size_t n);
  // y[0, n1) += a1 * x[0, n1) and y[n1, n1 + n2) += a2 * x[n1, n1 + n2) for int8 x: one packed
  // weight row with two scales. n1 and n2 are multiples of 16.
  void (*axpy_i8x2)(const int8_t* x, float a1, size_t n1, float a2, size_t n2, float* y);
  const char* name;
};

// The best kernels this CPU supports; cheap to call (a function-local static).
const Kernels& kernels() noexcept;

// The portable kernels, for tests that compare both paths.
const Kernels& portable_kernels() noexcept;

}  // namespace sparouter::classify::simd
