#include "http/watch_sweep.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include "unit/http/test_handler.hpp"

namespace sparouter::http {
namespace {

using namespace std::chrono_literals;
using testing::wait_for;
using Clock = std::chrono::steady_clock;

struct Probe final : WatchTarget {
  std::atomic<int> due{0};
  std::atomic<uint64_t> generation{0};
  Clock::time_point due_at{};
  void watch_due(uint64_t g) override {
    generation = g;
    due_at = Clock::now();
    due++;
  }
};

class WatchSweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    thread_ = std::thread([this] { ctx_.run(); });
  }
  void TearDown() override {
    guard_.reset();
    ctx_.stop();
    thread_.join();
    sweep_.stop();
  }
  asio::io_context ctx_{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard_{ctx_.get_executor()};
  WatchSweep sweep_{ctx_.get_executor(), 10ms};
  std::thread thread_;
};

TEST_F(WatchSweepTest, ListedTargetIsDueAfterAFullPeriodWithItsGeneration) {
  Probe p;
  const auto t0 = Clock::now();
  sweep_.add(p, 7);
  sweep_.add(p, 8);  // already listed: kept as it was
  EXPECT_EQ(sweep_.listed(), 1u);
  ASSERT_TRUE(wait_for([&] { return p.due.load() == 1; }, 2s));
  EXPECT_GE(p.due_at - t0, 10ms);
  EXPECT_EQ(p.generation.load(), 7u);
  EXPECT_EQ(sweep_.listed(), 0u);
  std::this_thread::sleep_for(40ms);
  EXPECT_EQ(p.due.load(), 1);  // once
}

TEST_F(WatchSweepTest, RemovedTargetIsNeverDue) {
  Probe quick, slow;
  sweep_.add(quick, 1);
  sweep_.add(slow, 2);
  sweep_.remove(quick);
  sweep_.remove(quick);  // not listed: a no-op
  ASSERT_TRUE(wait_for([&] { return slow.due.load() == 1; }, 2s));
  std::this_thread::sleep_for(40ms);
  EXPECT_EQ(quick.due.load(), 0);
}

TEST_F(WatchSweepTest, RestsWhenIdleAndWakesForTheNextTarget) {
  Probe first, second;
  sweep_.add(first, 1);
  ASSERT_TRUE(wait_for([&] { return first.due.load() == 1; }, 2s));
  std::this_thread::sleep_for(700ms);  // past the 50 idle ticks: the timer rests
  sweep_.add(second, 2);
  EXPECT_TRUE(wait_for([&] { return second.due.load() == 1; }, 2s));
}

TEST_F(WatchSweepTest, ManyThreadsListAndUnlist) {
  std::vector<Probe> probes(64);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        for (size_t i = static_cast<size_t>(t); i < probes.size(); i += 4) {
          sweep_.add(probes[i], static_cast<uint64_t>(round));
          if ((i + static_cast<size_t>(round)) % 3 != 0) sweep_.remove(probes[i]);
        }
        std::this_thread::sleep_for(100us);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (auto& p : probes) sweep_.remove(p);
  EXPECT_EQ(sweep_.listed(), 0u);
  const int due_now = [&] {
    int n = 0;
    for (auto& p : probes) n += p.due.load();
    return n;
  }();
  std::this_thread::sleep_for(40ms);
  int due_later = 0;
  for (auto& p : probes) due_later += p.due.load();
  EXPECT_EQ(due_now, due_later);  // nothing is due after its removal
}

TEST(WatchSweep, StopBeforeTheContextGoesKeepsAddAndRemoveSafe) {
  Probe p;
  auto ctx = std::make_unique<asio::io_context>(1);
  WatchSweep sweep(ctx->get_executor(), 10ms);
  sweep.add(p, 1);
  ctx->run_for(5ms);
  sweep.stop();
  ctx.reset();  // pending tick handlers are dropped unrun
  sweep.add(p, 2);
  sweep.remove(p);
  EXPECT_EQ(p.due.load(), 0);
}

}  // namespace
}  // namespace sparouter::http
