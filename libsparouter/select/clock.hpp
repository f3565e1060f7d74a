// The clocks behind the public sparouter::Clock interface (include/sparouter/clock.hpp): the
// steady clock for production and a manual one so cooldown tests run on fake time.
#pragma once

#include <atomic>
#include <cstdint>

#include "sparouter/clock.hpp"

namespace sparouter::select {

using sparouter::Clock;

// std::chrono::steady_clock in milliseconds.
class SteadyClock final : public Clock {
 public:
  int64_t now_ms() const noexcept override;
};

// A clock that moves only when told to. Thread-safe: tests may advance it while others read.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 0) noexcept : now_(start_ms) {}
  int64_t now_ms() const noexcept override { return now_.load(std::memory_order_acquire); }
  void set(int64_t ms) noexcept { now_.store(ms, std::memory_order_release); }
  void advance(int64_t ms) noexcept { now_.fetch_add(ms, std::memory_order_acq_rel); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace sparouter::select
