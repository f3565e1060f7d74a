#include "select/health.hpp"

#include <algorithm>

namespace sparouter::select {
namespace {

constexpr int kWindowCountBits = 20;
constexpr uint64_t kWindowCountMask = (uint64_t{1} << kWindowCountBits) - 1;
// Window starts are kept in the 44 bits above the count (see Clock: now_ms < 2^44).
constexpr int64_t kMaxWindowStartMs = (int64_t{1} << (64 - kWindowCountBits)) - 1;

uint64_t pack_window(int64_t start_ms, uint64_t failures) {
  const int64_t start = std::clamp<int64_t>(start_ms, 0, kMaxWindowStartMs);
  return (static_cast<uint64_t>(start) << kWindowCountBits) | failures;
}
int64_t window_start(uint64_t w) { return static_cast<int64_t>(w >> kWindowCountBits); }
uint64_t window_failures(uint64_t w) { return w & kWindowCountMask; }

int64_t seconds_to_ms(int64_t s) {
  return s <= 0 ? 0 : (s >= kMaxDurationMs / 1000 ? kMaxDurationMs : s * 1000);
}

}  // namespace

HealthPolicy HealthPolicy::from(const Settings& settings) noexcept {
  HealthPolicy p;
  p.allowed_fails =
      std::clamp<int64_t>(settings.allowed_fails, 1, static_cast<int64_t>(kWindowCountMask));
  p.window_ms = seconds_to_ms(settings.allowed_fails_window_s);
  p.cooldown_ms = seconds_to_ms(settings.cooldown_s);
  return p;
}

void DeploymentHealth::report(Outcome outcome, int64_t latency_us,
                              std::optional<int64_t> retry_after_ms, int64_t now_ms,
                              const HealthPolicy& policy) noexcept {
  const auto kind = static_cast<size_t>(outcome);
  if (kind >= counts_.size()) return;  // a value cast from outside the enum: ignore it
  counts_[kind].fetch_add(1, std::memory_order_relaxed);
  if (outcome == Outcome::kSuccess) {
    // Read first: most successes find nothing to reset and need not write the cache line.
    if (consecutive_failures_.load(std::memory_order_relaxed) != 0) {
      consecutive_failures_.store(0, std::memory_order_relaxed);
    }
    if (window_.load(std::memory_order_relaxed) != 0) window_.store(0, std::memory_order_relaxed);
    if (latency_us >= 0) update_ewma(static_cast<double>(latency_us));
    return;
  }
  if (!counts_as_failure(outcome)) return;

  consecutive_failures_.fetch_add(1, std::memory_order_relaxed);
  const bool cooldowns_on = policy.cooldown_ms > 0;
  if (outcome == Outcome::kHttp429 && cooldowns_on) {
    const int64_t max_ms = std::clamp<int64_t>(policy.max_retry_after_ms, 0, kMaxDurationMs);
    const int64_t ms =
        retry_after_ms ? std::clamp<int64_t>(*retry_after_ms, 0, max_ms) : policy.cooldown_ms;
    if (ms > 0) {
      window_.store(0, std::memory_order_relaxed);
      extend_cooldown(now_ms, now_ms + ms);
      return;
    }
  }
  if (record_failure(now_ms, policy) && cooldowns_on) {
    extend_cooldown(now_ms, now_ms + policy.cooldown_ms);
  }
}

bool DeploymentHealth::record_failure(int64_t now_ms, const HealthPolicy& policy) noexcept {
  const auto allowed = static_cast<uint64_t>(std::max<int64_t>(policy.allowed_fails, 1));
  uint64_t old = window_.load(std::memory_order_relaxed);
  uint64_t desired = 0;
  bool tripped = false;
  do {
    const int64_t start = window_start(old);
    uint64_t failures = window_failures(old);
    const bool expired = failures == 0 || now_ms < start || now_ms - start >= policy.window_ms;
    failures = expired ? 1 : std::min(failures + 1, kWindowCountMask);
    tripped = failures >= allowed;
    // A tripped window empties: the deployment starts afresh after its cooldown.
    desired = tripped ? 0 : pack_window(expired ? now_ms : start, failures);
  } while (!window_.compare_exchange_weak(old, desired, std::memory_order_relaxed));
  return tripped;
}

void DeploymentHealth::extend_cooldown(int64_t now_ms, int64_t until_ms) noexcept {
  int64_t old = cooldown_until_ms_.load(std::memory_order_relaxed);
  while (old < until_ms &&
         !cooldown_until_ms_.compare_exchange_weak(old, until_ms, std::memory_order_relaxed)) {
  }
  if (old <= now_ms && old < until_ms) cooldowns_.fetch_add(1, std::memory_order_relaxed);
}

void DeploymentHealth::update_ewma(double sample_us) noexcept {
  double old = ewma_latency_us_.load(std::memory_order_relaxed);
  double desired = 0;
  do {
    desired = old < 0 ? sample_us : old + kEwmaAlpha * (sample_us - old);
  } while (!ewma_latency_us_.compare_exchange_weak(old, desired, std::memory_order_relaxed));
}

int64_t DeploymentHealth::recent_failures(int64_t now_ms,
                                          const HealthPolicy& policy) const noexcept {
  const uint64_t w = window_.load(std::memory_order_relaxed);
  const int64_t start = window_start(w);
  const uint64_t failures = window_failures(w);
  if (failures == 0 || now_ms < start || now_ms - start >= policy.window_ms) return 0;
  return static_cast<int64_t>(failures);
}

}  // namespace sparouter::select
