// Live health of deployments: DeploymentHealth (cooldown, failure window, EWMA latency,
// in-flight count, outcome counters), its policy, and the HealthRegistry that shares it
// across configuration snapshots by deployment id (implemented in health_registry.cpp).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "select/outcome.hpp"
#include "sparouter/types.hpp"

namespace sparouter::select {

// EWMA smoothing: new = old + alpha * (sample - old). With 0.2 the last 10 successes carry
// ~90% of the value: reacts within a few requests, yet one slow answer does not dominate.
inline constexpr double kEwmaAlpha = 0.2;
// A Retry-After longer than this is cut to it, so one bad header cannot park a deployment.
inline constexpr int64_t kMaxRetryAfterMs = 3600 * 1000;
// Upper bound for every duration of the policy (~35 years), so now + duration never overflows.
inline constexpr int64_t kMaxDurationMs = int64_t{1} << 40;

struct HealthPolicy {
  int64_t allowed_fails = 3;  // failures inside one window that start a cooldown; >= 1
  int64_t window_ms = 60'000;
  int64_t cooldown_ms = 5'000;  // 0 turns cooldowns off (Retry-After included)
  int64_t max_retry_after_ms = kMaxRetryAfterMs;

  // From the routing settings; clamps allowed_fails to [1, 2^20 - 1] and durations to
  // [0, kMaxDurationMs].
  static HealthPolicy from(const Settings& settings) noexcept;
};

// Lock-free: many threads read cooling() while building plans and report outcomes
// concurrently; every field is its own atomic and nothing takes a lock.
//
// Semantics of report():
// - success: resets the failure window and consecutive failures, feeds the EWMA latency. It
//   does not end a running cooldown (an answer to an older request may arrive after a 429).
// - connect error, timeout, 408, 5xx: one failure in the window. The window opens at its first
//   failure and lasts window_ms; the allowed_fails-th failure inside it starts a cooldown of
//   cooldown_ms and empties the window.
// - 429: cools down at once, for Retry-After when given (capped at max_retry_after_ms) or else
//   cooldown_ms, and empties the window. A 429 with "Retry-After: 0" counts as a plain failure.
// - other 4xx and cancelled: counted in count(), nothing else.
// - a value outside the enum (cast from a wire code) is ignored.
// Cooldowns only ever extend: a shorter one never cuts a longer one short. Concurrent reports
// have no defined order: a success racing a failure may empty the window after it.
// begin_attempt()/end_attempt() are separate from report(): call both around every attempt.
class alignas(64) DeploymentHealth {
 public:
  DeploymentHealth() = default;
  DeploymentHealth(const DeploymentHealth&) = delete;
  DeploymentHealth& operator=(const DeploymentHealth&) = delete;

  bool cooling(int64_t now_ms) const noexcept { return now_ms < cooldown_until_ms(); }
  int64_t cooldown_until_ms() const noexcept {
    return cooldown_until_ms_.load(std::memory_order_relaxed);
  }

  void begin_attempt() noexcept { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void end_attempt() noexcept { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  int64_t in_flight() const noexcept { return in_flight_.load(std::memory_order_relaxed); }

  // latency_us < 0 means unknown; only successes feed the EWMA.
  void report(Outcome outcome, int64_t latency_us, std::optional<int64_t> retry_after_ms,
              int64_t now_ms, const HealthPolicy& policy) noexcept;

  // Microseconds; negative before the first success.
  double ewma_latency_us() const noexcept {
    return ewma_latency_us_.load(std::memory_order_relaxed);
  }
  int64_t consecutive_failures() const noexcept {
    return consecutive_failures_.load(std::memory_order_relaxed);
  }
  // Failures in the current window (0 once it has expired).
  int64_t recent_failures(int64_t now_ms, const HealthPolicy& policy) const noexcept;
  // How many reports of this outcome since creation.
  int64_t count(Outcome outcome) const noexcept {
    const auto kind = static_cast<size_t>(outcome);
    return kind < counts_.size() ? counts_[kind].load(std::memory_order_relaxed) : 0;
  }
  // How many cooldowns started (a cooldown extended while running is not a new one).
  int64_t cooldowns() const noexcept { return cooldowns_.load(std::memory_order_relaxed); }

 private:
  bool record_failure(int64_t now_ms, const HealthPolicy& policy) noexcept;
  void extend_cooldown(int64_t now_ms, int64_t until_ms) noexcept;
  void update_ewma(double sample_us) noexcept;

  std::atomic<int64_t> cooldown_until_ms_{0};
  // The failure window in one word, so that it updates atomically:
  // (start_ms << kWindowCountBits) | failures.
  std::atomic<uint64_t> window_{0};
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> consecutive_failures_{0};
  std::atomic<int64_t> cooldowns_{0};
  std::atomic<double> ewma_latency_us_{-1.0};
  std::array<std::atomic<int64_t>, kOutcomeCount> counts_{};
};

// Health by deployment id, shared across configuration snapshots: compiling a new snapshot
// acquires the health of every deployment it serves, and gets the very object the previous
// snapshot holds for the same id, so cooldowns and counters survive an apply. An entry no
// snapshot holds any more is forgotten (its deployment was removed): a deployment that comes
// back later under the same id starts healthy.
//
// Thread-safe. acquire() takes a mutex: call it when compiling a snapshot, not per request
// (requests reach health through the raw pointers a snapshot keeps beside its shared_ptrs).
class HealthRegistry {
 public:
  HealthRegistry() = default;
  HealthRegistry(const HealthRegistry&) = delete;
  HealthRegistry& operator=(const HealthRegistry&) = delete;

  // The live health for this id, created healthy when nobody holds one. Never null.
  std::shared_ptr<DeploymentHealth> acquire(std::string_view deployment_id);
  // The live health for this id, or null when no snapshot holds it. Does not create.
  std::shared_ptr<DeploymentHealth> find(std::string_view deployment_id) const;
  // Forgets the entries nobody holds; returns how many. acquire() also prunes now and then
  // (amortised O(1)), so calling this after a swap only makes it prompt.
  size_t prune();
  // Entries, including released ones not yet pruned.
  size_t size() const;

 private:
  size_t prune_locked();

  mutable std::mutex mu_;
  // Guarded by mu_. weak_ptr: the registry never keeps a deployment's health alive by itself.
  std::map<std::string, std::weak_ptr<DeploymentHealth>, std::less<>> entries_;
  size_t prune_at_ = 64;  // guarded by mu_
};

}  // namespace sparouter::select
