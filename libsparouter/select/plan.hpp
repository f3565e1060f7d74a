// A plan: the ordered candidates for one request, over deployment indices.
//
// Order: the group's tiers, lowest priority number first, each tier in weighted random order
// without replacement; then each fallback group in order with its own tiers, depth-first (a
// fallback group's own fallbacks come right after it), skipping groups already visited, so a
// cycle cannot loop. No deployment appears twice.
//
// Attempt cap: each group contributes at most max_attempts_per_group candidates (1 + the
// settings' num_retries: "extra attempts after the first", per group). The rest of a group is
// dropped, and the plan moves on to the next fallback group.
//
// Cooling: a deployment that cools down at now_ms is moved after every non-cooling candidate
// of the whole plan, keeping the relative order of the cooling ones, so it is tried only when
// nothing else is left. Inside a group, non-cooling deployments fill the cap first; cooling
// ones take the slots that remain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "select/health.hpp"
#include "select/rng.hpp"
#include "select/tiers.hpp"
#include "sparouter/types.hpp"

namespace sparouter::select {

struct PlanInput {
  const std::vector<GroupTiers>* groups = nullptr;  // by group index; null: no groups
  // group index -> fallback groups, in order; null or shorter than groups: no fallbacks.
  const std::vector<std::vector<uint32_t>>* fallbacks = nullptr;
  std::span<DeploymentHealth* const> health;  // by deployment index; null entry: never cools
  int64_t now_ms = 0;
  int64_t max_attempts_per_group = 0;  // <= 0: no cap
};

// 1 + num_retries (a negative num_retries counts as 0).
int64_t max_attempts_per_group(const Settings& settings) noexcept;

namespace detail {
class PlanBuilder;
}

// Buffers build_plan reuses between calls, so that a warm thread allocates nothing. Keep one
// per thread (e.g. thread_local); never share one between threads at the same time.
class PlanScratch {
 public:
  PlanScratch() = default;

 private:
  friend class detail::PlanBuilder;
  uint32_t epoch_ = 0;                     // stamp of the current plan in the *_seen_ arrays
  std::vector<uint32_t> group_seen_;       // by group index
  std::vector<uint32_t> deployment_seen_;  // by deployment index
  std::vector<uint32_t> stack_;            // groups still to visit, depth-first
  std::vector<uint32_t> slots_;            // TierDraw scratch
  std::vector<uint32_t> group_cooling_;    // the current group's cooling candidates
  std::vector<uint32_t> cooling_;          // every group's cooling candidates, in plan order
};

// Replaces `out` with the plan for `group` and returns how many of its candidates lead it
// without cooling (the rest are last resorts). An unknown group, or a fallback index out of
// range, contributes nothing. Thread-safe as long as each thread passes its own rng, out and
// scratch; health is only read.
size_t build_plan(const PlanInput& in, uint32_t group, Rng& rng, std::vector<uint32_t>& out,
                  PlanScratch& scratch);

}  // namespace sparouter::select
