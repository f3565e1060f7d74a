// An applied configuration, compiled once: lookup tables, tiers, compiled rules and the
// trained classifier. Immutable after compile, so every request reads it without locks.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "classify/hybrid.hpp"
#include "select/health.hpp"
#include "select/tiers.hpp"
#include "sparouter/result.hpp"
#include "sparouter/router.hpp"
#include "sparouter/types.hpp"

namespace sparouter {

struct SnapshotDeployment {
  const Deployment* deployment = nullptr;
  const Provider* provider = nullptr;
  uint32_t group = 0;
  int64_t timeout_ms = 0;
  std::shared_ptr<select::DeploymentHealth> health;  // shared with other snapshots by id
};

class Snapshot {
 public:
  RouterConfig config;
  std::string version;
  std::vector<SnapshotDeployment> deployments;
  std::vector<select::DeploymentHealth*> health;        // by deployment index, for plans
  std::vector<select::GroupTiers> tiers;                // by group index
  std::vector<std::vector<uint32_t>> fallbacks;         // group index -> fallback group indices
  std::unordered_map<std::string_view, uint32_t> group_index;       // views into config
  std::unordered_map<std::string_view, uint32_t> deployment_index;  // views into config
  std::vector<std::string_view> auto_models;
  classify::CompiledClassifier classifier;
  std::vector<uint32_t> rule_group;   // rule index -> group index
  std::vector<uint32_t> label_group;  // classifier label index -> group index
  int64_t default_group = -1;         // -1: none set
  select::HealthPolicy policy;
  int64_t max_attempts_per_group = 1;

  int64_t find_group(std::string_view name) const;
  bool is_auto_model(std::string_view name) const;
};

// Validates and compiles `config`. Health objects come from `registry` (so they survive a
// swap); a classifier trained by `previous` on identical examples is reused, not retrained.
Result<std::shared_ptr<const Snapshot>> compile_snapshot(RouterConfig config,
                                                         select::HealthRegistry* registry,
                                                         const Snapshot* previous);

// A stable short hash of a configuration's canonical JSON.
std::string config_version(const RouterConfig& config);

}  // namespace sparouter
