#include <algorithm>

#include "select/health.hpp"

namespace sparouter::select {

std::shared_ptr<DeploymentHealth> HealthRegistry::acquire(std::string_view deployment_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(deployment_id);
  if (it != entries_.end()) {
    if (auto live = it->second.lock()) return live;
  }
  // Not make_shared: with a separate control block, a released entry waiting for prune keeps
  // only the control block alive, not the health object.
  std::shared_ptr<DeploymentHealth> fresh(new DeploymentHealth());
  if (it != entries_.end()) {
    it->second = fresh;
  } else {
    entries_.emplace(std::string(deployment_id), fresh);
    if (entries_.size() >= prune_at_) {
      prune_locked();
      prune_at_ = std::max<size_t>(64, 2 * entries_.size());
    }
  }
  return fresh;
}

std::shared_ptr<DeploymentHealth> HealthRegistry::find(std::string_view deployment_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(deployment_id);
  return it == entries_.end() ? nullptr : it->second.lock();
}

size_t HealthRegistry::prune() {
  std::lock_guard<std::mutex> lock(mu_);
  return prune_locked();
}

size_t HealthRegistry::prune_locked() {
  return std::erase_if(entries_, [](const auto& entry) { return entry.second.expired(); });
}

size_t HealthRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace sparouter::select
