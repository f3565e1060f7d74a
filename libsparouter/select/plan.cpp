#include "select/plan.hpp"

#include <algorithm>
#include <limits>

#include "select/weighted.hpp"

namespace sparouter::select {

int64_t max_attempts_per_group(const Settings& settings) noexcept {
  return 1 + std::max<int64_t>(settings.num_retries, 0);
}

namespace detail {

class PlanBuilder {
 public:
  PlanBuilder(const PlanInput& in, Rng& rng, std::vector<uint32_t>& out, PlanScratch& s)
      : in_(in),
        groups_(in.groups ? std::span<const GroupTiers>(*in.groups)
                          : std::span<const GroupTiers>()),
        fallbacks_(in.fallbacks ? std::span<const std::vector<uint32_t>>(*in.fallbacks)
                                : std::span<const std::vector<uint32_t>>()),
        rng_(rng),
        out_(out),
        s_(s) {
    cap_ = in.max_attempts_per_group <= 0 ? std::numeric_limits<size_t>::max()
                                          : static_cast<size_t>(in.max_attempts_per_group);
  }

  size_t build(uint32_t group) {
    out_.clear();
    start_epoch();
    s_.cooling_.clear();
    s_.stack_.clear();
    s_.stack_.push_back(group);
    // Iterative depth-first walk: pushing fallbacks in reverse and marking on pop visits
    // groups in the same order as the recursive walk, with no recursion depth to worry about.
    while (!s_.stack_.empty()) {
      const uint32_t g = s_.stack_.back();
      s_.stack_.pop_back();
      if (g >= groups_.size() || s_.group_seen_[g] == s_.epoch_) continue;
      s_.group_seen_[g] = s_.epoch_;
      add_group(groups_[g]);
      if (g < fallbacks_.size()) {
        const std::vector<uint32_t>& fb = fallbacks_[g];
        s_.stack_.insert(s_.stack_.end(), fb.rbegin(), fb.rend());
      }
    }
    const size_t leading = out_.size();
    out_.insert(out_.end(), s_.cooling_.begin(), s_.cooling_.end());
    return leading;
  }

 private:
  // Stamps instead of clearing: a plan costs nothing per group or deployment not touched.
  void start_epoch() {
    if (s_.group_seen_.size() < groups_.size()) s_.group_seen_.resize(groups_.size(), 0);
    if (s_.deployment_seen_.size() < in_.health.size()) {
      s_.deployment_seen_.resize(in_.health.size(), 0);
    }
    if (++s_.epoch_ == 0) {  // wrapped: old stamps could collide
      std::fill(s_.group_seen_.begin(), s_.group_seen_.end(), 0);
      std::fill(s_.deployment_seen_.begin(), s_.deployment_seen_.end(), 0);
      s_.epoch_ = 1;
    }
  }

  // Marks a deployment as planned; false when it already was.
  bool claim(uint32_t index) {
    if (index >= s_.deployment_seen_.size()) s_.deployment_seen_.resize(index + 1, 0);
    if (s_.deployment_seen_[index] == s_.epoch_) return false;
    s_.deployment_seen_[index] = s_.epoch_;
    return true;
  }

  bool cooling(uint32_t index) const {
    if (index >= in_.health.size()) return false;
    const DeploymentHealth* h = in_.health[index];
    return h != nullptr && h->cooling(in_.now_ms);
  }

  void add_group(const GroupTiers& group) {
    size_t taken = 0;  // non-cooling candidates of this group
    s_.group_cooling_.clear();
    for (const Tier& tier : group.tiers) {
      if (taken >= cap_) break;
      if (s_.slots_.size() < tier.members.size()) s_.slots_.resize(tier.members.size());
      TierDraw draw(tier, s_.slots_);
      // Drawing lazily: once the cap is full of non-cooling candidates, the rest of the
      // group is never drawn.
      while (!draw.done() && taken < cap_) {
        const uint32_t index = draw.next(rng_);
        if (!claim(index)) continue;
        if (cooling(index)) {
          s_.group_cooling_.push_back(index);
        } else {
          out_.push_back(index);
          ++taken;
        }
      }
    }
    // Cooling candidates take only the slots the non-cooling ones left; those that do not fit
    // are released so that another group may still plan them.
    const size_t room = std::min(s_.group_cooling_.size(), cap_ - taken);
    s_.cooling_.insert(s_.cooling_.end(), s_.group_cooling_.begin(),
                       s_.group_cooling_.begin() + static_cast<std::ptrdiff_t>(room));
    for (size_t i = room; i < s_.group_cooling_.size(); ++i) {
      s_.deployment_seen_[s_.group_cooling_[i]] = 0;
    }
  }

  const PlanInput& in_;
  std::span<const GroupTiers> groups_;
  std::span<const std::vector<uint32_t>> fallbacks_;
  Rng& rng_;
  std::vector<uint32_t>& out_;
  PlanScratch& s_;
  size_t cap_ = 0;
};

}  // namespace detail

size_t build_plan(const PlanInput& in, uint32_t group, Rng& rng, std::vector<uint32_t>& out,
                  PlanScratch& scratch) {
  return detail::PlanBuilder(in, rng, out, scratch).build(group);
}

}  // namespace sparouter::select
