// A small, fast, seedable PRNG for selection: xoshiro256** seeded through splitmix64.
// Not cryptographic. Deterministic for a fixed seed, so weighted tests run on fixed seeds.
// Not thread-safe: give each thread (or each request) its own Rng.
#pragma once

#include <cstdint>

namespace sparouter::select {

class Rng {
 public:
  // Every seed, 0 included, gives a valid state: splitmix64 never yields the all-zero state
  // from four consecutive outputs.
  explicit Rng(uint64_t seed) noexcept {
    uint64_t x = seed;
    for (uint64_t& word : s_) word = splitmix64(x);
  }

  uint64_t next() noexcept {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1), from the top 53 bits (every value is an exact multiple of 2^-53).
  double uniform01() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // The seeding mixer, also handy to derive per-thread seeds from one base seed.
  static uint64_t splitmix64(uint64_t& x) noexcept {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

  uint64_t s_[4];
};

}  // namespace sparouter::select
