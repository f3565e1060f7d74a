// The compiled, immutable priority tiers of one group, over deployment indices into the
// caller's deployment table. Built once per configuration, read by every request.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace sparouter::select {

// One deployment as the group configures it. compile_tiers filters, so callers may pass
// every deployment of the group, disabled and drained ones included.
struct TierInput {
  uint32_t index = 0;  // into the caller's deployment table
  double weight = 1;   // > 0 to be selectable; 0 (or negative, NaN) drains it
  int64_t priority = 0;
  bool enabled = true;
};

struct TierMember {
  uint32_t index = 0;
  double weight = 0;  // > 0, finite
};

struct Tier {
  int64_t priority = 0;
  std::vector<TierMember> members;  // in input order; never empty
  std::vector<double> cumulative;   // cumulative[i] = sum of weights of members[0..i]
  double total_weight = 0;          // == cumulative.back()
};

struct GroupTiers {
  std::vector<Tier> tiers;  // lowest priority number first; empty when nothing is selectable
  bool empty() const noexcept { return tiers.empty(); }
};

// Weights above this are clamped so that sums stay finite and precise enough.
inline constexpr double kMaxWeight = 1e12;

// Drops disabled deployments and those with weight <= 0 or NaN, groups the rest by priority
// (ascending) and keeps input order inside a tier, so the same input compiles the same way.
GroupTiers compile_tiers(std::span<const TierInput> inputs);

}  // namespace sparouter::select
