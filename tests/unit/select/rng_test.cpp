#include "select/rng.hpp"

#include <gtest/gtest.h>

#include <set>

namespace sparouter::select {
namespace {

TEST(Select_Rng, SplitMixMatchesReference) {
  uint64_t x = 0;
  // First output of the reference splitmix64 from state 0.
  EXPECT_EQ(Rng::splitmix64(x), 0xe220a8397b1dcdafULL);
}

TEST(Select_Rng, DeterministicForFixedSeed) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t va = a.next();
    EXPECT_EQ(va, b.next());
    differs |= va != c.next();
  }
  EXPECT_TRUE(differs);
}

TEST(Select_Rng, ZeroSeedIsUsable) {
  Rng rng(0);
  std::set<uint64_t> seen;
  for (int i = 0; i < 100; ++i) seen.insert(rng.next());
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Select_Rng, Uniform01InRangeWithMeanOneHalf) {
  Rng rng(7);
  constexpr int kN = 200000;
  double sum = 0;
  for (int i = 0; i < kN; ++i) {
    const double u = rng.uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  // Standard error of the mean is sqrt(1/12/kN) ~ 0.00065: 0.005 is ~8 sigma.
  EXPECT_NEAR(sum / kN, 0.5, 0.005);
}

}  // namespace
}  // namespace sparouter::select
