#include "select/weighted.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "stats.hpp"

namespace sparouter::select {
namespace {

using testing::chi_square;
using testing::chi_square_critical_p001;
using testing::normalise;

// One tier whose deployment i has weights[i].
Tier make_tier(const std::vector<double>& weights) {
  std::vector<TierInput> in;
  for (size_t i = 0; i < weights.size(); ++i) {
    in.push_back({static_cast<uint32_t>(i), weights[i], 0, true});
  }
  GroupTiers g = compile_tiers(in);
  EXPECT_EQ(g.tiers.size(), 1u);
  return g.tiers.at(0);
}

std::vector<int64_t> count_picks(const Tier& tier, size_t n, int draws, uint64_t seed) {
  Rng rng(seed);
  std::vector<int64_t> counts(n, 0);
  for (int i = 0; i < draws; ++i) ++counts.at(pick_weighted(tier, rng));
  return counts;
}

TEST(Select_Weighted, ChiSquareMatchesWeights) {
  const std::vector<double> w = {1, 2, 3, 4};
  const auto counts = count_picks(make_tier(w), w.size(), 100000, 1);
  EXPECT_LT(chi_square(counts, normalise(w)), chi_square_critical_p001(3));
}

TEST(Select_Weighted, ChiSquareMatchesWeightsAmongTen) {
  const std::vector<double> w = {1, 1, 2, 3, 5, 8, 13, 0.5, 7, 10};
  const auto counts = count_picks(make_tier(w), w.size(), 100000, 2);
  EXPECT_LT(chi_square(counts, normalise(w)), chi_square_critical_p001(9));
}

TEST(Select_Weighted, ChiSquareDetectsWrongWeights) {
  // The test has power: the same picks against a uniform expectation fail by far.
  const std::vector<double> w = {1, 2, 3, 4};
  const auto counts = count_picks(make_tier(w), w.size(), 100000, 1);
  EXPECT_GT(chi_square(counts, normalise({1, 1, 1, 1})), 100 * chi_square_critical_p001(3));
  // And a mild error (weights 1, 2, 3, 4.2) is still caught with this many draws.
  EXPECT_GT(chi_square(counts, normalise({1, 2, 3, 4.2})), chi_square_critical_p001(3));
}

TEST(Select_Weighted, ZeroWeightNeverPicked) {
  std::vector<TierInput> in = {{0, 1, 0, true}, {1, 0, 0, true}, {2, 3, 0, true}};
  const GroupTiers g = compile_tiers(in);
  Rng rng(3);
  std::vector<uint32_t> order;
  for (int i = 0; i < 20000; ++i) {
    ASSERT_NE(pick_weighted(g.tiers[0], rng), 1u);
    order.clear();
    order_tier(g.tiers[0], rng, order);
    ASSERT_EQ(order.size(), 2u);
    ASSERT_EQ(std::count(order.begin(), order.end(), 1u), 0);
  }
}

TEST(Select_Weighted, SingleMember) {
  const Tier t = make_tier({5});
  Rng rng(4);
  EXPECT_EQ(pick_weighted(t, rng), 0u);
  std::vector<uint32_t> out = {99};
  order_tier(t, rng, out);
  EXPECT_EQ(out, (std::vector<uint32_t>{99, 0}));  // appended
}

TEST(Select_Weighted, OrderIsAPermutation) {
  const Tier t = make_tier({1, 2, 3, 4, 5, 6, 7});
  Rng rng(5);
  std::vector<uint32_t> out;
  for (int i = 0; i < 1000; ++i) {
    out.clear();
    order_tier(t, rng, out);
    std::vector<uint32_t> sorted = out;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(sorted, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6}));
  }
}

// Sequential sampling without replacement: P(first = i) = w_i / W and
// P(second = j) = sum over i != j of w_i / W * w_j / (W - w_i).
std::vector<double> second_pick_probs(const std::vector<double>& w) {
  double total = 0;
  for (double x : w) total += x;
  std::vector<double> p(w.size(), 0);
  for (size_t j = 0; j < w.size(); ++j) {
    for (size_t i = 0; i < w.size(); ++i) {
      if (i != j) p[j] += w[i] / total * w[j] / (total - w[i]);
    }
  }
  return p;
}

TEST(Select_Weighted, OrderFirstAndSecondPickMatchSequentialSampling) {
  const std::vector<double> w = {1, 2, 3, 4};
  const Tier t = make_tier(w);
  Rng rng(6);
  std::vector<int64_t> first(4, 0), second(4, 0);
  std::vector<uint32_t> out;
  for (int i = 0; i < 100000; ++i) {
    out.clear();
    order_tier(t, rng, out);
    ++first[out[0]];
    ++second[out[1]];
  }
  EXPECT_LT(chi_square(first, normalise(w)), chi_square_critical_p001(3));
  EXPECT_LT(chi_square(second, second_pick_probs(w)), chi_square_critical_p001(3));
}

TEST(Select_Weighted, OrderOfThreeMatchesAllPermutationProbabilities) {
  const std::vector<double> w = {1, 3, 6};
  const Tier t = make_tier(w);
  Rng rng(7);
  std::map<std::vector<uint32_t>, int64_t> seen;
  std::vector<uint32_t> out;
  for (int i = 0; i < 60000; ++i) {
    out.clear();
    order_tier(t, rng, out);
    ++seen[out];
  }
  ASSERT_EQ(seen.size(), 6u);
  std::vector<int64_t> observed;
  std::vector<double> probs;
  for (const auto& [perm, n] : seen) {
    observed.push_back(n);
    probs.push_back(w[perm[0]] / 10 * w[perm[1]] / (10 - w[perm[0]]));
  }
  EXPECT_LT(chi_square(observed, probs), chi_square_critical_p001(5));
}

TEST(Select_Weighted, ExtremeWeightsKeepTheRestProportional) {
  // After the huge member is drawn, the small ones must still split 1:2 (no cancellation).
  const Tier t = make_tier({1e12, 0.001, 0.002});
  Rng rng(8);
  std::vector<int64_t> second(2, 0);
  std::vector<uint32_t> out;
  for (int i = 0; i < 30000; ++i) {
    out.clear();
    order_tier(t, rng, out);
    ASSERT_EQ(out[0], 0u);
    ++second[out[1] - 1];
  }
  EXPECT_LT(chi_square(second, {1.0 / 3, 2.0 / 3}), chi_square_critical_p001(1));
}

TEST(Select_Weighted, DrawPrefixMatchesFullOrder) {
  // A TierDraw stopped early yields exactly the prefix of order_tier for the same seed.
  const Tier t = make_tier({1, 2, 3, 4, 5});
  std::vector<uint32_t> slots(5);
  for (uint64_t seed = 0; seed < 100; ++seed) {
    Rng a(seed), b(seed);
    std::vector<uint32_t> full;
    order_tier(t, a, full);
    TierDraw draw(t, slots);
    EXPECT_EQ(draw.next(b), full[0]);
    EXPECT_EQ(draw.next(b), full[1]);
    EXPECT_EQ(draw.drawn(), 2u);
    EXPECT_FALSE(draw.done());
  }
}

TEST(Select_Weighted, DeterministicForFixedSeed) {
  const Tier t = make_tier({1, 2, 3, 4, 5, 6});
  Rng a(99), b(99);
  std::vector<uint32_t> oa, ob;
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(pick_weighted(t, a), pick_weighted(t, b));
    order_tier(t, a, oa);
    order_tier(t, b, ob);
  }
  EXPECT_EQ(oa, ob);
}

}  // namespace
}  // namespace sparouter::select
