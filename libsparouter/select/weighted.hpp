// Weighted random choice inside one tier: a single pick, and an order without replacement
// (the first pick proportional to weight, the next among the rest proportional to weight, ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "select/rng.hpp"
#include "select/tiers.hpp"

namespace sparouter::select {

// One deployment index, with probability weight / total_weight. O(log n), no allocation.
// Precondition: !tier.members.empty().
uint32_t pick_weighted(const Tier& tier, Rng& rng) noexcept;

// Draws a tier's members one at a time, without replacement. The caller owns the scratch
// `slots` (at least tier.members.size() entries, contents overwritten), so a warm caller
// allocates nothing. Stopping early is fine: each prefix has the right distribution.
// O(n) per draw, O(n^2) for a whole tier: tiers are small (a handful of deployments).
class TierDraw {
 public:
  TierDraw(const Tier& tier, std::span<uint32_t> slots) noexcept;

  bool done() const noexcept { return drawn_ == size_; }
  size_t drawn() const noexcept { return drawn_; }
  // The next deployment index. Precondition: !done().
  uint32_t next(Rng& rng) noexcept;

 private:
  const Tier& tier_;
  std::span<uint32_t> slots_;  // member positions; [0, drawn_) in draw order, the rest undrawn
  size_t size_;
  size_t drawn_ = 0;
  double left_weight_;  // weight of the undrawn members
};

// Appends the whole tier to `out`, weighted order without replacement (deployment indices).
void order_tier(const Tier& tier, Rng& rng, std::vector<uint32_t>& out);

}  // namespace sparouter::select
