#include "select/clock.hpp"

#include <gtest/gtest.h>

namespace sparouter::select {
namespace {

TEST(Select_Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(1000);
  EXPECT_EQ(clock.now_ms(), 1000);
  clock.advance(250);
  EXPECT_EQ(clock.now_ms(), 1250);
  clock.set(5);
  EXPECT_EQ(clock.now_ms(), 5);
  const Clock& base = clock;  // usable through the interface
  EXPECT_EQ(base.now_ms(), 5);
}

TEST(Select_Clock, SteadyClockIsMonotonic) {
  SteadyClock clock;
  int64_t last = clock.now_ms();
  EXPECT_GE(last, 0);
  for (int i = 0; i < 1000; ++i) {
    const int64_t now = clock.now_ms();
    EXPECT_GE(now, last);
    last = now;
  }
}

}  // namespace
}  // namespace sparouter::select
