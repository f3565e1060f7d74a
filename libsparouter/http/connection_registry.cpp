#include "http/connection_registry.hpp"

#include <vector>

namespace sparouter::http {

void ConnectionRegistry::add(ConnectionBase* key, std::weak_ptr<ConnectionBase> connection) {
  std::lock_guard lock(mu_);
  live_.emplace(key, std::move(connection));
}

void ConnectionRegistry::remove(ConnectionBase* key) {
  std::lock_guard lock(mu_);
  live_.erase(key);
  if (live_.empty()) empty_.notify_all();
}

size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

void ConnectionRegistry::for_each(const std::function<void(ConnectionBase&)>& fn) const {
  std::vector<std::shared_ptr<ConnectionBase>> snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot.reserve(live_.size());
    for (const auto& [key, weak] : live_) {
      if (auto strong = weak.lock()) snapshot.push_back(std::move(strong));
    }
  }
  for (auto& c : snapshot) fn(*c);  // outside the lock: fn may post, and removal may race
}

bool ConnectionRegistry::wait_empty_until(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mu_);
  return empty_.wait_until(lock, deadline, [this] { return live_.empty(); });
}

}  // namespace sparouter::http
