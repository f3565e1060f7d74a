#include "http/connection_registry.hpp"

#include <vector>

namespace sparouter::http {

void ConnectionRegistry::add(ConnectionBase& c) {
  std::lock_guard lock(mu_);
  if (c.listed_) return;
  c.listed_ = true;
  c.prev_ = nullptr;
  c.next_ = head_;
  if (head_ != nullptr) head_->prev_ = &c;
  head_ = &c;
  count_.fetch_add(1, std::memory_order_relaxed);
}

void ConnectionRegistry::remove(ConnectionBase& c) {
  std::lock_guard lock(mu_);
  if (!c.listed_) return;
  c.listed_ = false;
  if (c.prev_ != nullptr) {
    c.prev_->next_ = c.next_;
  } else {
    head_ = c.next_;
  }
  if (c.next_ != nullptr) c.next_->prev_ = c.prev_;
  c.prev_ = c.next_ = nullptr;
  if (count_.fetch_sub(1, std::memory_order_relaxed) == 1) empty_.notify_all();
}

void ConnectionRegistry::for_each(const std::function<void(ConnectionBase&)>& fn) const {
  std::vector<std::shared_ptr<ConnectionBase>> snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot.reserve(count_.load(std::memory_order_relaxed));
    for (ConnectionBase* c = head_; c != nullptr; c = c->next_) {
      // Listed, so not yet past its destructor's remove(): its members are intact.
      if (auto strong = c->share()) snapshot.push_back(std::move(strong));
    }
  }
  for (auto& c : snapshot) fn(*c);  // outside the lock: fn may post, and removal may race
}

bool ConnectionRegistry::wait_empty_until(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mu_);
  return empty_.wait_until(lock, deadline, [this] { return head_ == nullptr; });
}

}  // namespace sparouter::http
