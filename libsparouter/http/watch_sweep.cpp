#include "http/watch_sweep.hpp"

#include <asio/post.hpp>

namespace sparouter::http {

namespace {
// Ticks with nothing listed before the timer rests (a busy server keeps it going rather than
// re-arming it, and a system call, for every request).
constexpr uint32_t kIdleTicksBeforeRest = 50;
}  // namespace

WatchSweep::WatchSweep(asio::any_io_executor executor, std::chrono::milliseconds period)
    : executor_(std::move(executor)),
      period_(period),
      timer_(std::make_unique<asio::steady_timer>(executor_)) {}

WatchSweep::~WatchSweep() = default;

void WatchSweep::add(WatchTarget& target, uint64_t generation) {
  std::lock_guard lock(mu_);
  if (target.sweep_slot_ != WatchTarget::kUnlisted || stopped_) return;
  target.sweep_slot_ = entries_.size();
  entries_.push_back({&target, generation, tick_});
  idle_ticks_ = 0;
  if (!ticking_) {
    ticking_ = true;
    // The timer is touched only on its executor; while ticking_ is set no tick is pending.
    asio::post(executor_, [this] { arm(); });
  }
}

void WatchSweep::remove(WatchTarget& target) {
  std::lock_guard lock(mu_);
  if (target.sweep_slot_ != WatchTarget::kUnlisted) unlink(target.sweep_slot_);
}

void WatchSweep::stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  timer_.reset();
}

size_t WatchSweep::listed() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void WatchSweep::unlink(size_t slot) {
  entries_[slot].target->sweep_slot_ = WatchTarget::kUnlisted;
  if (slot + 1 != entries_.size()) {
    entries_[slot] = entries_.back();
    entries_[slot].target->sweep_slot_ = slot;
  }
  entries_.pop_back();
}

void WatchSweep::arm() {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  timer_->expires_after(period_);
  timer_->async_wait([this](std::error_code ec) {
    if (!ec) on_tick();
  });
}

void WatchSweep::on_tick() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    ++tick_;
    // Due: listed before the previous tick, so at least one full period ago.
    for (size_t i = 0; i < entries_.size();) {
      if (entries_[i].tick + 1 < tick_) {
        const Entry due = entries_[i];
        unlink(i);
        due.target->watch_due(due.generation);
      } else {
        ++i;
      }
    }
    if (entries_.empty() && ++idle_ticks_ >= kIdleTicksBeforeRest) {
      ticking_ = false;
      return;
    }
  }
  arm();
}

}  // namespace sparouter::http
