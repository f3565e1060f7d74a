#include "select/tiers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace sparouter::select {
namespace {

TEST(Select_Tiers, GroupsByPriorityLowestFirst) {
  const std::vector<TierInput> in = {
      {0, 1, 5, true}, {1, 2, 0, true}, {2, 3, 5, true}, {3, 4, -1, true}, {4, 1, 0, true}};
  const GroupTiers g = compile_tiers(in);
  ASSERT_EQ(g.tiers.size(), 3u);
  EXPECT_EQ(g.tiers[0].priority, -1);
  EXPECT_EQ(g.tiers[1].priority, 0);
  EXPECT_EQ(g.tiers[2].priority, 5);
  // Input order inside a tier.
  ASSERT_EQ(g.tiers[1].members.size(), 2u);
  EXPECT_EQ(g.tiers[1].members[0].index, 1u);
  EXPECT_EQ(g.tiers[1].members[1].index, 4u);
  ASSERT_EQ(g.tiers[2].members.size(), 2u);
  EXPECT_EQ(g.tiers[2].members[0].index, 0u);
  EXPECT_EQ(g.tiers[2].members[1].index, 2u);
}

TEST(Select_Tiers, CumulativeWeights) {
  const std::vector<TierInput> in = {{7, 1, 0, true}, {8, 2, 0, true}, {9, 3.5, 0, true}};
  const GroupTiers g = compile_tiers(in);
  ASSERT_EQ(g.tiers.size(), 1u);
  const Tier& t = g.tiers[0];
  EXPECT_EQ(t.cumulative, (std::vector<double>{1, 3, 6.5}));
  EXPECT_DOUBLE_EQ(t.total_weight, 6.5);
}

TEST(Select_Tiers, DropsDisabledAndDrained) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<TierInput> in = {{0, 0, 0, true},  {1, -1, 0, true}, {2, nan, 0, true},
                                     {3, 1, 0, false}, {4, 2, 0, true},  {5, 0, 1, true}};
  const GroupTiers g = compile_tiers(in);
  ASSERT_EQ(g.tiers.size(), 1u);  // tier 1 had only a drained deployment
  ASSERT_EQ(g.tiers[0].members.size(), 1u);
  EXPECT_EQ(g.tiers[0].members[0].index, 4u);
}

TEST(Select_Tiers, EmptyWhenNothingSelectable) {
  EXPECT_TRUE(compile_tiers({}).empty());
  const std::vector<TierInput> in = {{0, 0, 0, true}, {1, 1, 0, false}};
  EXPECT_TRUE(compile_tiers(in).empty());
}

TEST(Select_Tiers, ClampsHugeWeights) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<TierInput> in = {{0, inf, 0, true}, {1, 1e300, 0, true}, {2, 1, 0, true}};
  const GroupTiers g = compile_tiers(in);
  ASSERT_EQ(g.tiers.size(), 1u);
  EXPECT_EQ(g.tiers[0].members[0].weight, kMaxWeight);
  EXPECT_EQ(g.tiers[0].members[1].weight, kMaxWeight);
  EXPECT_TRUE(std::isfinite(g.tiers[0].total_weight));
}

}  // namespace
}  // namespace sparouter::select
