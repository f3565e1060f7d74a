#include "select/tiers.hpp"

#include <algorithm>
#include <cmath>

namespace sparouter::select {

GroupTiers compile_tiers(std::span<const TierInput> inputs) {
  std::vector<TierInput> usable;
  usable.reserve(inputs.size());
  for (const TierInput& in : inputs) {
    // "!(w > 0)" also rejects NaN.
    if (!in.enabled || !(in.weight > 0)) continue;
    usable.push_back(in);
    usable.back().weight = std::min(in.weight, kMaxWeight);  // +inf clamps too
  }
  std::stable_sort(usable.begin(), usable.end(),
                   [](const TierInput& a, const TierInput& b) { return a.priority < b.priority; });

  GroupTiers out;
  for (const TierInput& in : usable) {
    if (out.tiers.empty() || out.tiers.back().priority != in.priority) {
      out.tiers.emplace_back();
      out.tiers.back().priority = in.priority;
    }
    Tier& tier = out.tiers.back();
    tier.members.push_back(TierMember{in.index, in.weight});
    tier.total_weight += in.weight;
    tier.cumulative.push_back(tier.total_weight);
  }
  return out;
}

}  // namespace sparouter::select
