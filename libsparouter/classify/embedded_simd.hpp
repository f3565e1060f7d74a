// Vector kernels of the embedded classifier (training and prediction). The library is built for
// the baseline ISA, so each kernel exists in a portable form and, on x86-64, in AVX2+FMA and
// AVX-512 forms picked once at run time. Results are deterministic on a given machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sparouter::classify::simd {

struct Kernels {
  void (*axpy)(float a, const float* x, float* y, size_t n);                 // y += a*x
  void (*scale_axpy)(float a, const float* x, float b, float* y, size_t n);  // y = b*y + a*x
  float (*dot)(const float* x, const float* y, size_t n);
  // For each int8 row x = rows[r], r = 0..count-1 in order: y[0, n1) += a1[r] * x[0, n1) and
  // y[n1, n1 + n2) += a2[r] * x[n1, n1 + n2) (packed weight rows with two scales). n1 and n2 are
  // multiples of 16. The fast forms keep y in registers across the rows.
  void (*add_rows_i8)(const int8_t* const* rows, const float* a1, const float* a2, size_t count,
                      size_t n1, size_t n2, float* y);
  const char* name;
};

// The best kernels this CPU supports; cheap to call (a function-local static).
const Kernels& kernels() noexcept;

// The portable kernels, for tests that compare both paths.
const Kernels& portable_kernels() noexcept;

// Every set this CPU can run, portable first, whichever kernels() picked: for tests.
std::vector<const Kernels*> runnable_kernels();

}  // namespace sparouter::classify::simd
