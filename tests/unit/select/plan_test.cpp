#include "select/plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "select/clock.hpp"
#include "stats.hpp"

namespace sparouter::select {
namespace {

using Ids = std::vector<uint32_t>;

struct Dep {
  uint32_t index;
  double weight = 1;
  int64_t priority = 0;
};

// A deployment table with health, groups over it, and fallbacks between groups.
class World {
 public:
  explicit World(size_t deployments) {
    for (size_t i = 0; i < deployments; ++i) {
      health_.push_back(std::make_unique<DeploymentHealth>());
      health_ptrs_.push_back(health_.back().get());
    }
  }
  uint32_t add_group(const std::vector<Dep>& deps, Ids fallbacks = {}) {
    std::vector<TierInput> in;
    for (const Dep& d : deps) in.push_back({d.index, d.weight, d.priority, true});
    groups_.push_back(compile_tiers(in));
    fallbacks_.push_back(std::move(fallbacks));
    return static_cast<uint32_t>(groups_.size() - 1);
  }
  void set_fallbacks(uint32_t group, Ids fallbacks) { fallbacks_[group] = std::move(fallbacks); }
  // A 429 with Retry-After cools a deployment down for exactly that long.
  void cool(uint32_t index, int64_t now_ms, int64_t for_ms) {
    health_[index]->report(Outcome::kHttp429, -1, for_ms, now_ms, policy_);
  }
  DeploymentHealth& health(uint32_t index) { return *health_[index]; }
  const HealthPolicy& policy() const { return policy_; }

  PlanInput input(int64_t now_ms = 0, int64_t cap = 0) const {
    PlanInput in;
    in.groups = &groups_;
    in.fallbacks = &fallbacks_;
    in.health = health_ptrs_;
    in.now_ms = now_ms;
    in.max_attempts_per_group = cap;
    return in;
  }

 private:
  HealthPolicy policy_ = HealthPolicy::from(Settings{});
  std::vector<std::unique_ptr<DeploymentHealth>> health_;
  std::vector<DeploymentHealth*> health_ptrs_;
  std::vector<GroupTiers> groups_;
  std::vector<Ids> fallbacks_;
};

Ids plan(const PlanInput& in, uint32_t group, uint64_t seed, size_t* leading = nullptr) {
  Rng rng(seed);
  PlanScratch scratch;
  Ids out;
  const size_t n = build_plan(in, group, rng, out, scratch);
  if (leading != nullptr) *leading = n;
  return out;
}

Ids sorted(Ids v) {
  std::sort(v.begin(), v.end());
  return v;
}
Ids slice(const Ids& v, size_t from, size_t to) {
  return Ids(v.begin() + static_cast<std::ptrdiff_t>(from),
             v.begin() + static_cast<std::ptrdiff_t>(to));
}
bool no_repeats(const Ids& v) { return std::set<uint32_t>(v.begin(), v.end()).size() == v.size(); }

TEST(Select_Plan, TiersInPriorityOrder) {
  World w(5);
  const uint32_t a = w.add_group({{3, 1, 5}, {0, 1, 0}, {2, 1, 1}, {1, 1, 0}, {4, 2, 5}});
  std::set<Ids> firsts;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    size_t leading = 0;
    const Ids p = plan(w.input(), a, seed, &leading);
    ASSERT_EQ(p.size(), 5u);
    EXPECT_EQ(leading, 5u);
    EXPECT_EQ(sorted(slice(p, 0, 2)), (Ids{0, 1}));
    EXPECT_EQ(p[2], 2u);
    EXPECT_EQ(sorted(slice(p, 3, 5)), (Ids{3, 4}));
    firsts.insert(slice(p, 0, 2));
  }
  EXPECT_EQ(firsts.size(), 2u);  // both orders of the first tier occur
}

TEST(Select_Plan, RestOfTierThenNextTiersThenFallbackGroups) {
  World w(6);
  const uint32_t a = w.add_group({{0, 1, 0}, {1, 1, 0}, {2, 1, 1}});
  const uint32_t b = w.add_group({{3, 1, 0}, {4, 1, 0}});
  const uint32_t c = w.add_group({{5}});
  w.set_fallbacks(a, {b, c});
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const Ids p = plan(w.input(), a, seed);
    ASSERT_EQ(p.size(), 6u);
    EXPECT_EQ(sorted(slice(p, 0, 2)), (Ids{0, 1}));
    EXPECT_EQ(p[2], 2u);
    EXPECT_EQ(sorted(slice(p, 3, 5)), (Ids{3, 4}));
    EXPECT_EQ(p[5], 5u);
  }
}

TEST(Select_Plan, FallbacksAreDepthFirstTransitiveAndVisitedOnce) {
  // a -> [b, c], b -> [d], d -> [a, c] (a cycle back and a diamond), c -> [].
  World w(4);
  const uint32_t a = w.add_group({{0}});
  const uint32_t b = w.add_group({{1}});
  const uint32_t c = w.add_group({{2}});
  const uint32_t d = w.add_group({{3}});
  w.set_fallbacks(a, {b, c});
  w.set_fallbacks(b, {d});
  w.set_fallbacks(d, {a, c});
  EXPECT_EQ(plan(w.input(), a, 1), (Ids{0, 1, 3, 2}));
  EXPECT_EQ(plan(w.input(), b, 1), (Ids{1, 3, 0, 2}));
  EXPECT_EQ(plan(w.input(), c, 1), (Ids{2}));
}

TEST(Select_Plan, NoDeploymentTwice) {
  // Deployment 1 sits in both groups: it is planned once, where it is first reached.
  World w(3);
  const uint32_t a = w.add_group({{0}, {1}});
  const uint32_t b = w.add_group({{1}, {2}});
  w.set_fallbacks(a, {b});
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const Ids p = plan(w.input(), a, seed);
    EXPECT_EQ(p.size(), 3u);
    EXPECT_TRUE(no_repeats(p));
    EXPECT_EQ(p[2], 2u);
  }
}

TEST(Select_Plan, AttemptCapPerGroup) {
  World w(9);
  const uint32_t a = w.add_group({{0}, {1}, {2}, {3}, {4}});
  const uint32_t b = w.add_group({{5}, {6}, {7}, {8}});
  w.set_fallbacks(a, {b});
  const int64_t cap = max_attempts_per_group(Settings{});  // 1 + num_retries = 3
  ASSERT_EQ(cap, 3);
  std::set<uint32_t> used_from_a;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    const Ids p = plan(w.input(0, cap), a, seed);
    ASSERT_EQ(p.size(), 6u);
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_LT(p[i], 5u);
      used_from_a.insert(p[i]);
    }
    for (size_t i = 3; i < 6; ++i) EXPECT_GE(p[i], 5u);
    EXPECT_TRUE(no_repeats(p));
  }
  EXPECT_EQ(used_from_a.size(), 5u);  // which three varies with the draw
}

TEST(Select_Plan, AttemptCapSpansTiers) {
  World w(4);
  const uint32_t a = w.add_group({{0, 1, 0}, {1, 1, 0}, {2, 1, 1}, {3, 1, 1}});
  std::set<uint32_t> thirds;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    const Ids p = plan(w.input(0, 3), a, seed);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(sorted(slice(p, 0, 2)), (Ids{0, 1}));
    thirds.insert(p[2]);
  }
  EXPECT_EQ(thirds, (std::set<uint32_t>{2, 3}));
}

TEST(Select_Plan, ZeroCapMeansNoCap) {
  World w(5);
  const uint32_t a = w.add_group({{0}, {1}, {2}, {3}, {4}});
  EXPECT_EQ(plan(w.input(0, 0), a, 1).size(), 5u);
  Settings s;
  s.num_retries = -4;
  EXPECT_EQ(max_attempts_per_group(s), 1);
  EXPECT_EQ(plan(w.input(0, max_attempts_per_group(s)), a, 1).size(), 1u);
}

TEST(Select_Plan, CoolingMovedLastKeepingTheirOrder) {
  World w(5);
  const uint32_t a = w.add_group({{0}, {1}, {2}});
  const uint32_t b = w.add_group({{3}, {4}});
  w.set_fallbacks(a, {b});
  w.cool(1, 0, 10'000);
  w.cool(3, 0, 10'000);
  for (uint64_t seed = 0; seed < 50; ++seed) {
    size_t leading = 0;
    const Ids p = plan(w.input(1000), a, seed, &leading);
    ASSERT_EQ(p.size(), 5u);
    EXPECT_EQ(leading, 3u);
    EXPECT_EQ(sorted(slice(p, 0, 2)), (Ids{0, 2}));
    EXPECT_EQ(p[2], 4u);
    EXPECT_EQ(slice(p, 3, 5), (Ids{1, 3}));  // a's cooling one, then b's
  }
}

TEST(Select_Plan, CoolingStillUsedWhenNothingElseIsLeft) {
  World w(2);
  const uint32_t a = w.add_group({{0}, {1}});
  w.cool(0, 0, 10'000);
  w.cool(1, 0, 10'000);
  size_t leading = 99;
  const Ids p = plan(w.input(1000, 3), a, 1, &leading);
  EXPECT_EQ(leading, 0u);
  EXPECT_EQ(sorted(p), (Ids{0, 1}));
}

TEST(Select_Plan, CoolingTakesOnlyTheCapLeftOver) {
  World w(5);
  const uint32_t a = w.add_group({{0}, {1}, {2}, {3}, {4}});
  w.cool(0, 0, 10'000);
  // Four healthy ones fill the cap of 3: the cooling one is not planned at all.
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const Ids p = plan(w.input(1000, 3), a, seed);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(std::count(p.begin(), p.end(), 0u), 0);
  }
  // One healthy, three cooling: the healthy one leads, two cooling ones fill the cap.
  w.cool(1, 0, 10'000);
  w.cool(2, 0, 10'000);
  w.cool(3, 0, 10'000);
  for (uint64_t seed = 0; seed < 50; ++seed) {
    size_t leading = 0;
    const Ids p = plan(w.input(1000, 3), a, seed, &leading);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(leading, 1u);
    EXPECT_EQ(p[0], 4u);
    EXPECT_TRUE(no_repeats(p));
  }
}

TEST(Select_Plan, CoolingDroppedByCapStaysAvailableToAnotherGroup) {
  // Deployment 0 cools; group a cannot fit it (cap 1, healthy 1 fills it), group b can.
  World w(2);
  const uint32_t a = w.add_group({{1}, {0}});
  const uint32_t b = w.add_group({{0}});
  w.set_fallbacks(a, {b});
  w.cool(0, 0, 10'000);
  size_t leading = 0;
  EXPECT_EQ(plan(w.input(1000, 1), a, 1, &leading), (Ids{1, 0}));
  EXPECT_EQ(leading, 1u);
}

TEST(Select_Plan, CooldownExpiryRestoresTheDeployment) {
  World w(2);
  const uint32_t a = w.add_group({{0, 1000}, {1, 1}});
  ManualClock clock(50'000);
  w.cool(0, clock.now_ms(), 5'000);
  EXPECT_EQ(plan(w.input(clock.now_ms()), a, 1), (Ids{1, 0}));
  clock.advance(5'000);
  EXPECT_EQ(plan(w.input(clock.now_ms()), a, 1)[0], 0u);  // weight 1000:1, seed fixed
}

TEST(Select_Plan, FirstCandidateFollowsWeights) {
  World w(2);
  const uint32_t a = w.add_group({{0, 1}, {1, 3}});
  const PlanInput in = w.input();
  Rng rng(11);
  PlanScratch scratch;
  Ids out;
  std::vector<int64_t> first(2, 0);
  for (int i = 0; i < 40000; ++i) {
    (void)build_plan(in, a, rng, out, scratch);
    ++first[out[0]];
  }
  EXPECT_LT(testing::chi_square(first, {0.25, 0.75}), testing::chi_square_critical_p001(1));
}

TEST(Select_Plan, DeterministicForFixedSeed) {
  World w(8);
  const uint32_t a = w.add_group({{0, 1, 0}, {1, 2, 0}, {2, 3, 0}, {3, 1, 1}, {4, 5, 1}});
  const uint32_t b = w.add_group({{5, 1, 0}, {6, 2, 0}, {7, 3, 0}});
  w.set_fallbacks(a, {b});
  const PlanInput in = w.input(0, 3);
  Rng r1(2024), r2(2024);
  PlanScratch s1, s2;
  Ids o1, o2;
  for (int i = 0; i < 200; ++i) {
    (void)build_plan(in, a, r1, o1, s1);
    (void)build_plan(in, a, r2, o2, s2);
    ASSERT_EQ(o1, o2);
  }
}

TEST(Select_Plan, UnknownGroupsAndFallbacksContributeNothing) {
  World w(2);
  const uint32_t a = w.add_group({{0}}, {99, 1});
  w.add_group({{1}});
  EXPECT_EQ(plan(w.input(), a, 1), (Ids{0, 1}));
  EXPECT_TRUE(plan(w.input(), 42, 1).empty());
  EXPECT_TRUE(plan(PlanInput{}, 0, 1).empty());  // no groups at all
}

TEST(Select_Plan, HealthMayBeMissing) {
  // Null health never cools, and an index beyond the health table is simply healthy.
  std::vector<GroupTiers> groups = {compile_tiers(std::vector<TierInput>{{0}, {5}})};
  std::vector<DeploymentHealth*> health = {nullptr};
  PlanInput in;
  in.groups = &groups;  // no fallbacks: null
  in.health = health;
  Rng rng(1);
  PlanScratch scratch;
  Ids out;
  EXPECT_EQ(build_plan(in, 0, rng, out, scratch), 2u);
  EXPECT_EQ(sorted(out), (Ids{0, 5}));
}

TEST(Select_Plan, ScratchIsReusableAcrossConfigurations) {
  World small(2), big(30);
  const uint32_t s = small.add_group({{0}, {1}});
  std::vector<Dep> many;
  for (uint32_t i = 0; i < 30; ++i) many.push_back({i, 1, i % 3});
  const uint32_t g = big.add_group(many);
  Rng rng(5);
  PlanScratch scratch;
  Ids out;
  for (int i = 0; i < 100; ++i) {
    (void)build_plan(big.input(), g, rng, out, scratch);
    ASSERT_EQ(out.size(), 30u);
    ASSERT_TRUE(no_repeats(out));
    (void)build_plan(small.input(), s, rng, out, scratch);
    ASSERT_EQ(sorted(out), (Ids{0, 1}));
  }
}

TEST(Select_Plan, ConcurrentPlansAndReports) {
  World w(6);
  const uint32_t a = w.add_group({{0, 1, 0}, {1, 2, 0}, {2, 1, 1}});
  const uint32_t b = w.add_group({{3}, {4}, {5}});
  w.set_fallbacks(a, {b});
  const PlanInput base = w.input();
  ManualClock clock(0);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> bad{0};

  std::vector<std::thread> planners;
  for (int t = 0; t < 2; ++t) {
    planners.emplace_back([&, t] {
      Rng rng(static_cast<uint64_t>(t));
      PlanScratch scratch;
      Ids out;
      for (int i = 0; i < 20000; ++i) {
        PlanInput in = base;
        in.now_ms = clock.now_ms();
        (void)build_plan(in, a, rng, out, scratch);
        if (out.size() != 6 || !no_repeats(out)) bad.fetch_add(1);
      }
    });
  }
  std::vector<std::thread> reporters;
  for (int t = 0; t < 2; ++t) {
    reporters.emplace_back([&, t] {
      int i = 0;
      while (!stop.load()) {
        const auto index = static_cast<uint32_t>((i + t) % 6);
        DeploymentHealth& h = w.health(index);
        h.begin_attempt();
        const Outcome o = i % 3 == 0 ? Outcome::kHttp429 : Outcome::kSuccess;
        h.report(o, 500, 20, clock.now_ms(), w.policy());
        h.end_attempt();
        if (t == 0) clock.advance(1);
        ++i;
      }
    });
  }
  for (auto& th : planners) th.join();
  stop.store(true);
  for (auto& th : reporters) th.join();
  EXPECT_EQ(bad.load(), 0);
  for (uint32_t i = 0; i < 6; ++i) EXPECT_EQ(w.health(i).in_flight(), 0);
}

}  // namespace
}  // namespace sparouter::select
