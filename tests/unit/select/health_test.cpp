#include "select/health.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "select/clock.hpp"

namespace sparouter::select {
namespace {

constexpr int64_t kSec = 1000;

HealthPolicy default_policy() { return HealthPolicy::from(Settings{}); }

class Select_Health : public ::testing::Test {
 protected:
  void fail(Outcome o = Outcome::kTimeout, std::optional<int64_t> retry_after = std::nullopt) {
    h_.report(o, -1, retry_after, clock_.now_ms(), policy_);
  }
  void succeed(int64_t latency_us = 1000) {
    h_.report(Outcome::kSuccess, latency_us, std::nullopt, clock_.now_ms(), policy_);
  }
  bool cooling() const { return h_.cooling(clock_.now_ms()); }

  ManualClock clock_{1'000'000};
  HealthPolicy policy_ = default_policy();
  DeploymentHealth h_;
};

TEST(Select_HealthPolicy, FromSettings) {
  const HealthPolicy p = HealthPolicy::from(Settings{});
  EXPECT_EQ(p.allowed_fails, 3);
  EXPECT_EQ(p.window_ms, 60 * kSec);
  EXPECT_EQ(p.cooldown_ms, 5 * kSec);
  EXPECT_EQ(p.max_retry_after_ms, kMaxRetryAfterMs);

  Settings odd;
  odd.allowed_fails = 0;
  odd.allowed_fails_window_s = -5;
  odd.cooldown_s = int64_t{1} << 62;
  const HealthPolicy q = HealthPolicy::from(odd);
  EXPECT_EQ(q.allowed_fails, 1);
  EXPECT_EQ(q.window_ms, 0);
  EXPECT_EQ(q.cooldown_ms, kMaxDurationMs);
}

TEST_F(Select_Health, FreshIsHealthy) {
  EXPECT_FALSE(cooling());
  EXPECT_EQ(h_.in_flight(), 0);
  EXPECT_LT(h_.ewma_latency_us(), 0);
  EXPECT_EQ(h_.consecutive_failures(), 0);
  EXPECT_EQ(h_.recent_failures(clock_.now_ms(), policy_), 0);
}

TEST_F(Select_Health, FailuresInsideWindowStartCooldown) {
  fail(Outcome::kConnectError);
  clock_.advance(10 * kSec);
  fail(Outcome::kHttp5xx);
  EXPECT_FALSE(cooling());
  EXPECT_EQ(h_.recent_failures(clock_.now_ms(), policy_), 2);
  clock_.advance(10 * kSec);
  fail(Outcome::kHttp408);
  EXPECT_TRUE(cooling());
  EXPECT_EQ(h_.cooldown_until_ms(), clock_.now_ms() + 5 * kSec);
  EXPECT_EQ(h_.cooldowns(), 1);
  EXPECT_EQ(h_.recent_failures(clock_.now_ms(), policy_), 0);  // the window emptied
}

TEST_F(Select_Health, FailuresOutsideWindowDoNotAddUp) {
  fail();
  clock_.advance(30 * kSec);
  fail();
  clock_.advance(31 * kSec);  // 61 s after the window opened: it expired
  EXPECT_EQ(h_.recent_failures(clock_.now_ms(), policy_), 0);
  fail();
  EXPECT_FALSE(cooling());
  EXPECT_EQ(h_.recent_failures(clock_.now_ms(), policy_), 1);
  clock_.advance(10 * kSec);
  fail();
  EXPECT_FALSE(cooling());
  clock_.advance(10 * kSec);
  fail();
  EXPECT_TRUE(cooling());
}

TEST_F(Select_Health, CooldownExpires) {
  fail();
  fail();
  fail();
  ASSERT_TRUE(cooling());
  clock_.advance(5 * kSec - 1);
  EXPECT_TRUE(cooling());
  clock_.advance(1);
  EXPECT_FALSE(cooling());
  // Starting afresh: one failure after the cooldown does not cool it down again.
  fail();
  EXPECT_FALSE(cooling());
}

TEST_F(Select_Health, Http429CoolsDownAtOnce) {
  fail(Outcome::kHttp429);
  EXPECT_TRUE(cooling());
  EXPECT_EQ(h_.cooldown_until_ms(), clock_.now_ms() + 5 * kSec);
}

TEST_F(Select_Health, Http429HonoursRetryAfter) {
  fail(Outcome::kHttp429, 30 * kSec);
  EXPECT_EQ(h_.cooldown_until_ms(), clock_.now_ms() + 30 * kSec);
  clock_.advance(29 * kSec);
  EXPECT_TRUE(cooling());
  clock_.advance(1 * kSec);
  EXPECT_FALSE(cooling());
}

TEST_F(Select_Health, Http429RetryAfterIsCapped) {
  fail(Outcome::kHttp429, 10 * 3600 * kSec);
  EXPECT_EQ(h_.cooldown_until_ms(), clock_.now_ms() + kMaxRetryAfterMs);
}

TEST_F(Select_Health, Http429RetryAfterZeroIsAPlainFailure) {
  fail(Outcome::kHttp429, 0);
  EXPECT_FALSE(cooling());
  EXPECT_EQ(h_.recent_failures(clock_.now_ms(), policy_), 1);
  fail(Outcome::kHttp429, 0);
  fail(Outcome::kHttp429, 0);
  EXPECT_TRUE(cooling());
  EXPECT_EQ(h_.cooldown_until_ms(), clock_.now_ms() + 5 * kSec);
}

TEST_F(Select_Health, Http4xxAndCancelledDoNotCount) {
  for (int i = 0; i < 10; ++i) {
    fail(Outcome::kHttp4xx);
    fail(Outcome::kCancelled);
  }
  EXPECT_FALSE(cooling());
  EXPECT_EQ(h_.recent_failures(clock_.now_ms(), policy_), 0);
  EXPECT_EQ(h_.consecutive_failures(), 0);
  EXPECT_EQ(h_.count(Outcome::kHttp4xx), 10);
  EXPECT_EQ(h_.count(Outcome::kCancelled), 10);
  // Nor do they reset the failures in the window.
  fail();
  fail();
  fail(Outcome::kHttp4xx);
  fail();
  EXPECT_TRUE(cooling());
}

TEST_F(Select_Health, SuccessResetsFailures) {
  fail();
  fail();
  succeed();
  EXPECT_EQ(h_.recent_failures(clock_.now_ms(), policy_), 0);
  EXPECT_EQ(h_.consecutive_failures(), 0);
  fail();
  fail();
  EXPECT_FALSE(cooling());
  EXPECT_EQ(h_.consecutive_failures(), 2);
  fail();
  EXPECT_TRUE(cooling());
}

TEST_F(Select_Health, SuccessDoesNotEndCooldown) {
  fail(Outcome::kHttp429, 20 * kSec);
  succeed();  // a request that started before the 429
  EXPECT_TRUE(cooling());
}

TEST_F(Select_Health, CooldownOnlyExtends) {
  fail(Outcome::kHttp429, 60 * kSec);
  const int64_t until = h_.cooldown_until_ms();
  fail();
  fail();
  fail();  // trips a 5 s cooldown: must not cut the 60 s one short
  EXPECT_EQ(h_.cooldown_until_ms(), until);
  EXPECT_EQ(h_.cooldowns(), 1);
  clock_.advance(58 * kSec);
  fail(Outcome::kHttp429);  // 5 s from now: beyond the old end, extends it
  EXPECT_EQ(h_.cooldown_until_ms(), clock_.now_ms() + 5 * kSec);
  EXPECT_EQ(h_.cooldowns(), 1);  // extended, not a new one
}

TEST_F(Select_Health, ZeroCooldownTurnsCooldownsOff) {
  policy_.cooldown_ms = 0;
  for (int i = 0; i < 5; ++i) fail();
  fail(Outcome::kHttp429, 30 * kSec);
  EXPECT_FALSE(cooling());
  EXPECT_EQ(h_.cooldowns(), 0);
}

TEST_F(Select_Health, AllowedFailsOfOneCoolsOnFirstFailure) {
  policy_.allowed_fails = 1;
  fail(Outcome::kTimeout);
  EXPECT_TRUE(cooling());
}

TEST_F(Select_Health, EwmaLatency) {
  succeed(1000);
  EXPECT_DOUBLE_EQ(h_.ewma_latency_us(), 1000);
  succeed(2000);
  EXPECT_DOUBLE_EQ(h_.ewma_latency_us(), 1000 + kEwmaAlpha * 1000);
  const double before = h_.ewma_latency_us();
  succeed(-1);  // unknown latency
  fail();       // failures do not feed it
  EXPECT_DOUBLE_EQ(h_.ewma_latency_us(), before);
}

TEST_F(Select_Health, InFlight) {
  h_.begin_attempt();
  h_.begin_attempt();
  EXPECT_EQ(h_.in_flight(), 2);
  h_.end_attempt();
  EXPECT_EQ(h_.in_flight(), 1);
  h_.end_attempt();
  EXPECT_EQ(h_.in_flight(), 0);
}

TEST_F(Select_Health, OutOfRangeOutcomeIsIgnored) {
  const auto bogus = static_cast<Outcome>(200);
  h_.report(bogus, 5, std::nullopt, clock_.now_ms(), policy_);
  EXPECT_EQ(h_.count(bogus), 0);
  EXPECT_EQ(h_.consecutive_failures(), 0);
  EXPECT_LT(h_.ewma_latency_us(), 0);
}

TEST_F(Select_Health, CountsEveryOutcome) {
  succeed();
  succeed();
  fail(Outcome::kConnectError);
  fail(Outcome::kHttp5xx);
  EXPECT_EQ(h_.count(Outcome::kSuccess), 2);
  EXPECT_EQ(h_.count(Outcome::kConnectError), 1);
  EXPECT_EQ(h_.count(Outcome::kHttp5xx), 1);
  EXPECT_EQ(h_.count(Outcome::kTimeout), 0);
}

TEST(Select_HealthConcurrency, ReportsFromManyThreadsKeepExactCounts) {
  DeploymentHealth h;
  HealthPolicy policy = HealthPolicy::from(Settings{});
  ManualClock clock(1000);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        h.begin_attempt();
        const Outcome o = (i + t) % 4 == 0   ? Outcome::kHttp5xx
                          : (i + t) % 4 == 1 ? Outcome::kHttp4xx
                                             : Outcome::kSuccess;
        h.report(o, 100 + i % 7, std::nullopt, clock.now_ms(), policy);
        (void)h.cooling(clock.now_ms());
        h.end_attempt();
        if (t == 0 && i % 1000 == 0) clock.advance(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  constexpr int64_t kTotal = int64_t{kThreads} * kPerThread;
  EXPECT_EQ(h.count(Outcome::kHttp5xx), kTotal / 4);
  EXPECT_EQ(h.count(Outcome::kHttp4xx), kTotal / 4);
  EXPECT_EQ(h.count(Outcome::kSuccess), kTotal / 2);
  EXPECT_EQ(h.in_flight(), 0);
  EXPECT_GE(h.ewma_latency_us(), 100);
  EXPECT_LE(h.ewma_latency_us(), 106);
}

TEST(Select_HealthConcurrency, ConcurrentFailuresAreAllCountedInTheWindow) {
  DeploymentHealth h;
  HealthPolicy policy = HealthPolicy::from(Settings{});
  policy.allowed_fails = 1'000'000;  // never trips: the window must hold every failure
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        h.report(Outcome::kTimeout, -1, std::nullopt, 5000, policy);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(h.recent_failures(5000, policy), int64_t{kThreads} * kPerThread);
  EXPECT_EQ(h.consecutive_failures(), int64_t{kThreads} * kPerThread);
  EXPECT_FALSE(h.cooling(5000));
}

TEST(Select_HealthConcurrency, ConcurrentFailuresTripOneCooldown) {
  DeploymentHealth h;
  const HealthPolicy policy = HealthPolicy::from(Settings{});
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3000; ++i) {
        h.report(Outcome::kConnectError, -1, std::nullopt, 7000, policy);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_TRUE(h.cooling(7000));
  EXPECT_EQ(h.cooldown_until_ms(), 7000 + policy.cooldown_ms);
  EXPECT_EQ(h.cooldowns(), 1);  // all at the same instant: one cooldown, never extended
  // 12000 failures, each third trips and empties the window.
  EXPECT_EQ(h.recent_failures(7000, policy), 0);
}

}  // namespace
}  // namespace sparouter::select
