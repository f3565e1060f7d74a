#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "select/health.hpp"

namespace sparouter::select {
namespace {

using HealthPtr = std::shared_ptr<DeploymentHealth>;

TEST(Select_HealthRegistry, SameIdSameObjectWhileHeld) {
  HealthRegistry reg;
  const HealthPtr a = reg.acquire("dep-1");
  const HealthPtr b = reg.acquire("dep-1");
  const HealthPtr c = reg.acquire("dep-2");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(reg.size(), 2u);
}

TEST(Select_HealthRegistry, HealthSurvivesSnapshotSwap) {
  HealthRegistry reg;
  const HealthPolicy policy = HealthPolicy::from(Settings{});
  // Snapshot 1 serves dep-1 and dep-2.
  auto old_snapshot = std::make_unique<std::vector<HealthPtr>>();
  old_snapshot->push_back(reg.acquire("dep-1"));
  old_snapshot->push_back(reg.acquire("dep-2"));
  (*old_snapshot)[0]->report(Outcome::kHttp429, -1, 30'000, 1000, policy);
  ASSERT_TRUE((*old_snapshot)[0]->cooling(2000));

  // Snapshot 2 keeps dep-1, drops dep-2, adds dep-3; compiled while snapshot 1 still serves.
  std::vector<HealthPtr> new_snapshot = {reg.acquire("dep-1"), reg.acquire("dep-3")};
  EXPECT_EQ(new_snapshot[0], (*old_snapshot)[0]);
  EXPECT_TRUE(new_snapshot[0]->cooling(2000));  // the cooldown carried over
  EXPECT_EQ(new_snapshot[0]->count(Outcome::kHttp429), 1);

  // The swap: snapshot 1 goes away, dep-2 is then held by nobody.
  old_snapshot.reset();
  EXPECT_EQ(reg.find("dep-2"), nullptr);
  EXPECT_EQ(reg.prune(), 1u);
  EXPECT_EQ(reg.size(), 2u);
  EXPECT_EQ(reg.find("dep-1"), new_snapshot[0]);
}

TEST(Select_HealthRegistry, ReleasedIdStartsHealthy) {
  HealthRegistry reg;
  const HealthPolicy policy = HealthPolicy::from(Settings{});
  HealthPtr h = reg.acquire("dep-1");
  h->report(Outcome::kHttp429, -1, 30'000, 1000, policy);
  h.reset();
  const HealthPtr again = reg.acquire("dep-1");  // reuses the entry, with a fresh object
  EXPECT_FALSE(again->cooling(2000));
  EXPECT_EQ(again->count(Outcome::kHttp429), 0);
  EXPECT_EQ(reg.size(), 1u);
}

TEST(Select_HealthRegistry, FindDoesNotCreate) {
  HealthRegistry reg;
  EXPECT_EQ(reg.find("nope"), nullptr);
  EXPECT_EQ(reg.size(), 0u);
  const HealthPtr h = reg.acquire("yes");
  EXPECT_EQ(reg.find("yes"), h);
}

TEST(Select_HealthRegistry, PrunesByItselfAsItGrows) {
  HealthRegistry reg;
  for (int i = 0; i < 10000; ++i) {
    const HealthPtr h = reg.acquire("dep-" + std::to_string(i));  // released at once
  }
  EXPECT_LE(reg.size(), 64u);
}

TEST(Select_HealthRegistry, ConcurrentAcquireAgreesOnObjects) {
  HealthRegistry reg;
  constexpr int kThreads = 4;
  constexpr int kIds = 200;
  std::vector<std::vector<HealthPtr>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIds; ++i) got[t].push_back(reg.acquire("dep-" + std::to_string(i)));
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 1; t < kThreads; ++t) EXPECT_EQ(got[t], got[0]);
  EXPECT_EQ(reg.size(), static_cast<size_t>(kIds));
}

}  // namespace
}  // namespace sparouter::select
