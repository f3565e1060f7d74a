#include "select/weighted.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace sparouter::select {

uint32_t pick_weighted(const Tier& tier, Rng& rng) noexcept {
  assert(!tier.members.empty());
  const size_t n = tier.members.size();
  if (n == 1) return tier.members[0].index;
  const double r = rng.uniform01() * tier.total_weight;
  // First cumulative weight strictly above r; the clamp covers r rounding up to the total.
  const auto it = std::upper_bound(tier.cumulative.begin(), tier.cumulative.end(), r);
  const size_t pos = std::min(static_cast<size_t>(it - tier.cumulative.begin()), n - 1);
  return tier.members[pos].index;
}

TierDraw::TierDraw(const Tier& tier, std::span<uint32_t> slots) noexcept
    : tier_(tier), slots_(slots), size_(tier.members.size()), left_weight_(tier.total_weight) {
  assert(slots.size() >= size_);
  std::iota(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(size_), 0u);
}

uint32_t TierDraw::next(Rng& rng) noexcept {
  assert(!done());
  size_t pick = size_ - 1;  // the last undrawn slot, also the fallback when rounding overshoots
  if (size_ - drawn_ > 1) {
    const double r = rng.uniform01() * left_weight_;
    double acc = 0;
    for (size_t i = drawn_; i < size_; ++i) {
      acc += tier_.members[slots_[i]].weight;
      if (r < acc) {
        pick = i;
        break;
      }
    }
  }
  std::swap(slots_[drawn_], slots_[pick]);
  const TierMember& m = tier_.members[slots_[drawn_]];
  ++drawn_;
  if (m.weight > 0.5 * left_weight_) {
    // Subtracting most of the total cancels digits: re-sum the rest instead.
    left_weight_ = 0;
    for (size_t i = drawn_; i < size_; ++i) left_weight_ += tier_.members[slots_[i]].weight;
  } else {
    left_weight_ -= m.weight;
  }
  return m.index;
}

void order_tier(const Tier& tier, Rng& rng, std::vector<uint32_t>& out) {
  const size_t start = out.size();
  const size_t n = tier.members.size();
  out.resize(start + n);
  // The appended range is the draw's scratch: it ends up holding member positions in draw
  // order, which we then turn into deployment indices.
  const std::span<uint32_t> slots(out.data() + start, n);
  TierDraw draw(tier, slots);
  while (!draw.done()) draw.next(rng);
  for (uint32_t& s : slots) s = tier.members[s].index;
}

}  // namespace sparouter::select
